package dev.bitnet.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The summary of a sweep (several {@link BenchReport}s of one command, as llama-bench's value lists give): one row per
 * run and backend that ran with its threads, tests, prefill and decode tokens/s and achieved bandwidth, in the order
 * they ran (a backend that did not run is in its run's own table).
 */
public final class SweepTable {
    static final String[] HEADER = {"threads", "test", "backend", "prefill tok/s", "decode tok/s", "GB/s", "of bw"};

    private SweepTable() {
    }

    /** One row: a backend that ran in one run of the sweep. */
    static String[] cells(BenchReport report, BackendResult r) {
        return new String[]{Integer.toString(report.threads()), report.config().tests(), r.backend(), Units.rate(r.prefill()),
                Units.rate(r.decode()), Units.fixed(r.achievedBytesPerSecond() / 1e9, 1), Units.share(report, r)};
    }

    public static String render(List<BenchReport> reports) {
        List<String[]> rows = new ArrayList<>();
        for (BenchReport report : reports) {
            for (BackendResult r : report.results()) {
                String[] cells = cells(report, r);
                cells[2] = ComparisonTable.printable(cells[2]);
                rows.add(cells);
            }
        }
        StringBuilder out = new StringBuilder("all runs (" + reports.size() + "):" + System.lineSeparator());
        ComparisonTable.appendAligned(out, HEADER, rows, 3);
        return out.toString();
    }
}
