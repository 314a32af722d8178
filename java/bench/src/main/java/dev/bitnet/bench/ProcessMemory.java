package dev.bitnet.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process's resident memory, from Linux's /proc (0 where that is not available). */
public final class ProcessMemory {
    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

    private ProcessMemory() {
    }

    /** Peak resident set size in bytes since start or the last {@link #resetPeak()}. */
    public static long peakRssBytes() {
        return statusKb("VmHWM:") * 1024;
    }

    public static long rssBytes() {
        return statusKb("VmRSS:") * 1024;
    }

    /** Starts a new peak measurement (Linux: writing 5 to clear_refs resets VmHWM); false if unsupported. */
    public static boolean resetPeak() {
        try {
            Files.writeString(CLEAR_REFS, "5");
            return true;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    private static long statusKb(String key) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(key)) return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }
}
