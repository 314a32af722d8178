package dev.bitnet.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code bench -o md}: the results as one Markdown table, as llama-bench prints them by default, ready to paste into
 * a README or an issue: a row per run and backend (a backend that did not run says why in its prefill cell), after a
 * line naming the model, the date and each thread count's measured read bandwidth.
 */
public final class MarkdownTable {
    static final String[] HEADER = {"backend", "threads", "test", "prefill tok/s", "decode tok/s", "host peak RSS",
            "MB/token", "GB/s", "of bw"};

    private MarkdownTable() {
    }

    public static String render(List<BenchReport> reports) {
        BenchReport first = reports.getFirst();
        StringBuilder out = new StringBuilder();
        List<String> bandwidths = new ArrayList<>();
        for (BenchReport r : reports) {
            String b = r.threads() + (r.threads() == 1 ? " thread: " : " threads: ") + Units.bandwidth(r);
            if (!bandwidths.contains(b)) bandwidths.add(b);
        }
        out.append("model ").append(cell(first.model())).append(" (").append(Units.mib(first.modelBytes())).append("), ")
                .append(first.date().toOffsetDateTime()).append(", ").append(first.config().repetitions())
                .append(first.config().repetitions() == 1 ? " repetition" : " repetitions").append("; read bandwidth ")
                .append(String.join(", ", bandwidths)).append(System.lineSeparator()).append(System.lineSeparator());
        row(out, HEADER);
        String[] rule = new String[HEADER.length];
        for (int c = 0; c < rule.length; c++) rule[c] = c < 3 ? "---" : "---:";
        row(out, rule);
        for (BenchReport r : reports) {
            String threads = Integer.toString(r.threads()), tests = r.config().tests();
            for (BenchOutcome o : r.outcomes()) {
                row(out, switch (o) {
                    case BackendResult b -> new String[]{cell(b.backend()), threads, tests, Units.rate(b.prefill()),
                            Units.rate(b.decode()), Units.memory(b.peakRssBytes()), Units.fixed(b.bytesPerToken() / 1e6, 0),
                            Units.fixed(b.achievedBytesPerSecond() / 1e9, 1), Units.share(r, b)};
                    case SkippedBackend s -> new String[]{cell(s.backend()), threads, tests, cell(s.label()), "", "", "", "", ""};
                });
            }
        }
        return out.toString();
    }

    private static void row(StringBuilder out, String[] cells) {
        out.append("| ").append(String.join(" | ", cells)).append(" |").append(System.lineSeparator());
    }

    /** Text from outside as one cell: no control characters, no column breaks. */
    private static String cell(String s) {
        return ComparisonTable.printable(s).replace("|", "\\|");
    }
}
