package dev.bitnet.bench;

import dev.bitnet.backend.StepProfile;

import java.util.Locale;

/**
 * The text form of a {@link StepProfile}: one line per operation, the slowest first, with its calls and milliseconds
 * per step, its share of the step and, for matrix products and the LM head, the weight bandwidth it reached.
 */
final class ProfileTable {
    private ProfileTable() {
    }

    /** Appends {@code p} under the heading {@code title}, every line indented by {@code indent}. */
    static void append(StringBuilder out, String title, StepProfile p, String indent) {
        String nl = System.lineSeparator();
        out.append(indent).append(title).append(": ").append(Units.fixed(p.millisPerStep(), 2)).append(" ms a step over ")
                .append(p.steps()).append(" steps").append(nl);
        int width = "operation".length();
        for (StepProfile.Op op : p.ops()) width = Math.max(width, op.name().length());
        String row = indent + "  %-" + width + "s  %10s  %8s  %6s  %12s" + nl;
        out.append(String.format(Locale.ROOT, row, "operation", "calls/step", "ms/step", "share", "weights GB/s"));
        for (StepProfile.Op op : p.ops()) {
            double gbs = op.weightBytesPerSecond() / 1e9;
            out.append(String.format(Locale.ROOT, row, op.name(), Units.fixed((double) op.calls() / p.steps(), 0),
                    Units.fixed(op.millisPerStep(p.steps()), 3), Units.fixed(100 * p.share(op), 1) + "%",
                    Double.isNaN(gbs) ? Units.NONE : Units.fixed(gbs, 1)));
        }
    }
}
