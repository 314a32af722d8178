package dev.bitnet.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The side-by-side text table of a {@link BenchReport}: one row per backend (a backend that did not run is one
 * {@code skipped: <reason>} line), each backend's description, then how the greedy outputs compare with the first's,
 * then each backend's prefill and decode steps by operation where they were profiled ({@link ProfileTable}).
 */
public final class ComparisonTable {
    static final String[] HEADER = {"backend", "load s", "prefill tok/s", "decode tok/s", "host peak RSS", "device mem",
            "MB/token", "GB/s", "of bw"};

    private ComparisonTable() {
    }

    public static String render(BenchReport report) {
        BenchConfig cfg = report.config();
        StringBuilder out = new StringBuilder();
        out.append(String.format(java.util.Locale.ROOT,
                "model %s (%s), %d thread%s, %s, %d repetition%s; machine read bandwidth %s%n%n",
                cfg.model().getFileName(), Units.mib(report.modelBytes()), report.threads(), report.threads() == 1 ? "" : "s", cfg.tests(),
                cfg.repetitions(), cfg.repetitions() == 1 ? "" : "s", Units.bandwidth(report)));
        List<String[]> rows = new ArrayList<>();
        for (BenchOutcome o : report.outcomes()) {
            rows.add(switch (o) {
                case BackendResult r -> new String[]{printable(r.backend()), Units.fixed(r.loadSeconds(), 2), Units.rate(r.prefill()),
                        Units.rate(r.decode()), Units.memory(r.peakRssBytes()), Units.memory(r.deviceMemoryBytes()),
                        Units.fixed(r.bytesPerToken() / 1e6, 0), Units.fixed(r.achievedBytesPerSecond() / 1e9, 1),
                        Units.share(report, r)};
                case SkippedBackend s -> new String[]{printable(s.backend()), printable(s.label())};
            });
        }
        appendAligned(out, rows);
        out.append(System.lineSeparator());
        for (BackendResult r : report.results()) {
            out.append("  ").append(printable(r.backend())).append(": ").append(printable(r.description()))
                    .append(System.lineSeparator());
        }
        report.reference().ifPresent(first -> {
            List<Agreement> agreements = report.agreements();
            if (agreements.isEmpty()) return;
            out.append(System.lineSeparator()).append("greedy outputs compared with ").append(printable(first.backend()))
                    .append(" (").append(report.allAgree() ? "all agree" : "they DIFFER").append("):")
                    .append(System.lineSeparator());
            int width = agreements.stream().mapToInt(a -> a.backend().length()).max().orElse(0);
            for (Agreement a : agreements) {
                out.append("  ").append(pad(printable(a.backend()), width, false)).append("  ").append(a.summary())
                        .append(System.lineSeparator());
            }
        });
        ProfileTable.appendSections(out, report, ComparisonTable::printable);
        return out.toString();
    }

    /** The backend rows under {@link #HEADER}; a row of two cells is a backend and why it did not run. */
    private static void appendAligned(StringBuilder out, List<String[]> rows) {
        appendAligned(out, HEADER, rows, 1);
    }

    /**
     * {@code rows} under {@code header}, columns as wide as their widest cell, the first {@code left} left-aligned and
     * the rest right-aligned; a row of two cells is a first cell and a note that runs on over the other columns.
     */
    static void appendAligned(StringBuilder out, String[] header, List<String[]> rows, int left) {
        int[] width = new int[header.length];
        for (int c = 0; c < header.length; c++) width[c] = header[c].length();
        for (String[] row : rows) {
            if (row.length == header.length) for (int c = 0; c < row.length; c++) width[c] = Math.max(width[c], row[c].length());
            else width[0] = Math.max(width[0], row[0].length());
        }
        List<String[]> all = new ArrayList<>();
        all.add(header);
        all.addAll(rows);
        for (String[] row : all) {
            StringBuilder line = new StringBuilder(pad(row[0], width[0], false));
            if (row.length == header.length) {
                for (int c = 1; c < row.length; c++) line.append("  ").append(pad(row[c], width[c], c >= left));
            } else {
                line.append("  ").append(row[1]);
            }
            out.append(line.toString().stripTrailing()).append(System.lineSeparator());
        }
    }

    /** Text from outside (backend names, reasons) without control characters: no terminal escapes, no broken columns. */
    static String printable(String s) {
        return s.replaceAll("\\p{Cntrl}", "?");
    }

    private static String pad(String s, int width, boolean right) {
        String spaces = " ".repeat(Math.max(0, width - s.length()));
        return right ? spaces + s : s + spaces;
    }
}
