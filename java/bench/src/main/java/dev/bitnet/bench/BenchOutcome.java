package dev.bitnet.bench;

/** What one backend of a {@code bench} run gave: its figures, or why it did not run. */
public sealed interface BenchOutcome permits BackendResult, SkippedBackend {
    /** The backend's name (as it calls itself when it ran, as the user selected it when it did not). */
    String backend();
}
