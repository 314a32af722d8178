package dev.bitnet.api;

import java.util.List;

/**
 * Streams generated text while watching for stop strings: text that might be the start of a stop string is held back
 * until it is clearly not, and generation stops at the first complete one (which is never emitted).
 */
final class StopStringFilter {
    private final List<String> stops;
    private final StringBuilder pending = new StringBuilder();
    private final StringBuilder emitted = new StringBuilder();
    private boolean stopped;

    StopStringFilter(List<String> stops) {
        this.stops = stops.stream().filter(s -> !s.isEmpty()).toList();
    }

    /** Adds text; returns what may be shown now. */
    String accept(String piece) {
        if (stopped) return "";
        pending.append(piece);
        int cut = -1;
        for (String s : stops) {
            int at = pending.indexOf(s);
            if (at >= 0 && (cut < 0 || at < cut)) cut = at;
        }
        if (cut >= 0) {
            stopped = true;
            return emit(pending.substring(0, cut));
        }
        String text = pending.toString();
        int hold = 0;
        for (String s : stops) {
            for (int len = Math.min(s.length() - 1, text.length()); len > hold; len--) {
                if (text.regionMatches(text.length() - len, s, 0, len)) {
                    hold = len;
                    break;
                }
            }
        }
        return emit(pending.substring(0, pending.length() - hold));
    }

    /** The held-back text at the end of generation. */
    String finish() {
        return stopped ? "" : emit(pending.toString());
    }

    boolean stopped() {
        return stopped;
    }

    String text() {
        return emitted.toString();
    }

    private String emit(String s) {
        pending.delete(0, s.length());
        if (stopped) pending.setLength(0);
        emitted.append(s);
        return s;
    }
}
