package dev.bitnet.bench;

import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Everything one {@code bench} run found, for the table, the JSON object and the HTML page.
 *
 * @param machine            where it ran
 * @param date               when it started
 * @param commandLine        the command line as typed (for the report)
 * @param model              the model: its path, or "synthetic 2b4t" and its path
 * @param modelBytes         the model file's size
 * @param config             what was measured
 * @param threads            the CPU threads in force (the config's 0 resolved to the cores)
 * @param bandwidthPerSecond the machine's read bandwidth, bytes per second, measured before the backends ran
 * @param outcomes           one per requested backend, in the order given
 */
public record BenchReport(MachineInfo machine, ZonedDateTime date, String commandLine, String model, long modelBytes,
                          BenchConfig config, int threads, double bandwidthPerSecond, List<BenchOutcome> outcomes) {

    public BenchReport {
        outcomes = List.copyOf(outcomes);
    }

    /** The backends that ran, in order. */
    public List<BackendResult> results() {
        List<BackendResult> list = new ArrayList<>();
        for (BenchOutcome o : outcomes) if (o instanceof BackendResult r) list.add(r);
        return list;
    }

    /** The first backend that ran: the others are compared with it. */
    public Optional<BackendResult> reference() {
        return results().stream().findFirst();
    }

    /** Each backend that ran after the first, compared with the first. */
    public List<Agreement> agreements() {
        List<BackendResult> ran = results();
        List<Agreement> list = new ArrayList<>();
        for (int i = 1; i < ran.size(); i++) list.add(Agreement.compare(ran.get(i), ran.getFirst(), config.sequences()));
        return list;
    }

    /** True when every backend that ran produced the first one's greedy ids. */
    public boolean allAgree() {
        return agreements().stream().allMatch(Agreement::agree);
    }

    /** Share of the measured bandwidth a backend's decode achieved (0..1, or more when the probe was low). */
    public double bandwidthShare(BackendResult r) {
        return bandwidthPerSecond > 0 ? r.achievedBytesPerSecond() / bandwidthPerSecond : 0;
    }
}
