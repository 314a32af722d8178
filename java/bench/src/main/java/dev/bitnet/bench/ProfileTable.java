package dev.bitnet.bench;

import dev.bitnet.backend.StepProfile;

import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * The text form of a {@link StepProfile}: one line per operation, the slowest first, with its calls and milliseconds
 * per step, its share of the step and, for matrix products and the LM head, the weight bandwidth it reached.
 */
final class ProfileTable {
    /** The two profiled phases of a bench run. */
    enum Phase {
        PREFILL("prefill", "pp"), DECODE("decode", "tg");

        final String label, test;

        Phase(String label, String test) {
            this.label = label;
            this.test = test;
        }

        StepProfile of(BackendResult r) {
            return this == PREFILL ? r.prefillProfile() : r.decodeProfile();
        }

        /** llama-bench's name of the run profiled: pp128, tg64. */
        String run(BenchConfig cfg) {
            return test + (this == PREFILL ? cfg.promptTokens() : cfg.genTokens());
        }

        /** The section's title: "decode steps by operation". */
        String title() {
            return label + " steps by operation";
        }

        /** Where its figures come from. */
        String note(BenchConfig cfg) {
            return "one more " + run(cfg) + " after the timed runs, each operation waited for and timed: slower than the "
                    + test + " figure";
        }

        /** The text table's heading: the title and the note. */
        String heading(BenchConfig cfg) {
            return title() + " (" + note(cfg) + ")";
        }
    }

    private ProfileTable() {
    }

    /** A section per phase that some backend of {@code report} has a profile of; nothing without {@code --profile}. */
    static void appendSections(StringBuilder out, BenchReport report, UnaryOperator<String> printable) {
        String nl = System.lineSeparator();
        for (Phase phase : Phase.values()) {
            if (report.results().stream().allMatch(r -> phase.of(r).isEmpty())) continue;
            out.append(nl).append(phase.heading(report.config())).append(':').append(nl);
            for (BackendResult r : report.results()) {
                if (!phase.of(r).isEmpty()) append(out, printable.apply(r.backend()), phase.of(r), "  ");
            }
        }
    }

    /** The columns of a profile's table (the text table's and the page's). */
    static final String[] HEADER = {"operation", "calls/step", "ms/step", "share", "weights GB/s"};

    /** A backend's profile heading: "cpu: 35.77 ms a step over 64 steps". */
    static String title(String backend, StepProfile p) {
        return backend + ": " + Units.fixed(p.millisPerStep(), 2) + " ms a step over " + p.steps()
                + (p.steps() == 1 ? " step" : " steps");
    }

    /** One operation's cells, in {@link #HEADER}'s order. */
    static String[] cells(StepProfile p, StepProfile.Op op) {
        double gbs = op.weightBytesPerSecond() / 1e9;
        return new String[]{op.name(), Units.fixed((double) op.calls() / p.steps(), 0), Units.fixed(op.millisPerStep(p.steps()), 3),
                Units.fixed(100 * p.share(op), 1) + "%", Double.isNaN(gbs) ? Units.NONE : Units.fixed(gbs, 1)};
    }

    /** Appends {@code backend}'s profile {@code p}, every line indented by {@code indent}. */
    private static void append(StringBuilder out, String backend, StepProfile p, String indent) {
        String nl = System.lineSeparator();
        out.append(indent).append(title(backend, p)).append(nl);
        int width = HEADER[0].length();
        for (StepProfile.Op op : p.ops()) width = Math.max(width, op.name().length());
        String row = indent + "  %-" + width + "s  %10s  %8s  %6s  %12s" + nl;
        out.append(String.format(Locale.ROOT, row, (Object[]) HEADER));
        for (StepProfile.Op op : p.ops()) out.append(String.format(Locale.ROOT, row, (Object[]) cells(p, op)));
    }
}
