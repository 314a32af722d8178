package dev.bitnet.bench;

/**
 * A backend of a {@code bench} run that gave no figures: it cannot run here (unknown, unavailable, bad device
 * selector) or it failed while loading or running. The other backends still run.
 *
 * @param backend the selector the user gave ({@code opencl:0:1})
 * @param kind    whether it could not start or failed on the way
 * @param reason  one line, for the table
 * @param cause   the exception behind it, for {@code --verbose} (may be null)
 */
public record SkippedBackend(String backend, Kind kind, String reason, Throwable cause) implements BenchOutcome {
    public SkippedBackend {
        reason = reason == null ? "no reason given" : reason.strip().replaceAll("\\s*\\R\\s*", " ");   // one line
    }

    public enum Kind {
        /** Could not be created here: unknown name, no runtime or device, a device selector it does not have. */
        UNAVAILABLE("skipped"),
        /** Was created but failed while loading the model or running it. */
        FAILED("failed");

        private final String word;

        Kind(String word) {
            this.word = word;
        }
    }

    public static SkippedBackend unavailable(String backend, String reason) {
        return new SkippedBackend(backend, Kind.UNAVAILABLE, reason, null);
    }

    /** The table's line: {@code skipped: <reason>} or {@code failed: <reason>}. */
    public String label() {
        return kind.word + ": " + reason;
    }
}
