package dev.bitnet.bench;

import java.util.Locale;

/** How the reports write figures (the same in the table and on the page). */
final class Units {
    static final String NONE = "\u2014";   // an em dash: no such figure (device memory of a host backend)

    private Units() {
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }

    /** Memory, in MiB below 10 GiB, else GiB; {@link #NONE} for 0. */
    static String memory(long bytes) {
        if (bytes <= 0) return NONE;
        double gib = bytes / (1024.0 * 1024 * 1024);
        return gib >= 10 ? String.format(Locale.ROOT, "%.2f GiB", gib) : mib(bytes);
    }

    /** Tokens per second with the spread: {@code 12.34 ±3%}; {@link #NONE} where nothing was timed ({@code -p 0}). */
    static String rate(Stats s) {
        if (s.max() == 0) return NONE;
        return String.format(Locale.ROOT, "%.2f \u00b1%.0f%%", s.median(), s.spreadPercent());
    }

    /** The machine's measured read bandwidth, or "not measured". */
    static String bandwidth(BenchReport r) {
        return r.bandwidthPerSecond() > 0 ? fixed(r.bandwidthPerSecond() / 1e9, 1) + " GB/s" : "not measured";
    }

    /** A backend's share of the measured bandwidth, or {@link #NONE} when it was not measured. */
    static String share(BenchReport r, BackendResult b) {
        return r.bandwidthPerSecond() > 0 ? fixed(100 * r.bandwidthShare(b), 0) + "%" : NONE;
    }

    static String fixed(double value, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }
}
