package dev.bitnet.cli;

import dev.bitnet.api.BitNetException;
import dev.bitnet.backend.BackendOptions;
import dev.bitnet.backend.KvType;
import dev.bitnet.model.LmHeadType;
import dev.bitnet.bench.BenchConfig;
import dev.bitnet.bench.BenchOutcome;
import dev.bitnet.bench.BenchReport;
import dev.bitnet.bench.BenchRunner;
import dev.bitnet.bench.ComparisonTable;
import dev.bitnet.bench.HtmlReport;
import dev.bitnet.bench.MachineInfo;
import dev.bitnet.bench.MarkdownTable;
import dev.bitnet.bench.MemoryBandwidth;
import dev.bitnet.bench.SkippedBackend;
import dev.bitnet.bench.SweepTable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code bitnet bench}: prefill and decode speed, memory and achieved bandwidth per backend (like llama-bench), against
 * the machine's read bandwidth measured on the spot.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark backends side by side on a model file or a synthetic 2B4T-shaped model: load time, "
                + "prefill and decode tokens/s, host and device memory, bytes read per token and the share of the measured "
                + "memory bandwidth, and whether their greedy outputs agree. A backend that cannot run here is listed as "
                + "skipped; the others still run. -t, -p, -n, -d and --parallel take value lists as llama-bench's "
                + "(-p 128,512; -t 1-4; --parallel 1-32*2 for 1, 2, 4 ... 32): every combination is one run.")
final class BenchCommand implements Callable<Integer> {
    @ArgGroup(multiplicity = "1")
    SyntheticModel.Source source;
    @Option(names = "--backends", split = ",", defaultValue = "cpu", description = "backends to compare (default: ${DEFAULT-VALUE})")
    List<String> backends;
    // -t, -p, -n, -d and --parallel take llama-bench's value lists (ValueLists); every combination is one run
    @Option(names = {"-t", "--threads"}, split = ",", paramLabel = "N", defaultValue = "0",
            description = "CPU threads (default: one per physical core)")
    List<String> threads;
    @Option(names = {"-p", "--n-prompt"}, split = ",", paramLabel = "N", defaultValue = "128",
            description = "prompt tokens (default: ${DEFAULT-VALUE})")
    List<String> promptTokens;
    @Option(names = {"-n", "--n-gen"}, split = ",", paramLabel = "N", defaultValue = "128",
            description = "generated tokens (default: ${DEFAULT-VALUE})")
    List<String> genTokens;
    @Option(names = {"-d", "--n-depth"}, split = ",", paramLabel = "N", defaultValue = "0", description = "tokens already "
            + "in the context before each timed prefill and decode, as llama-bench's -d (default: ${DEFAULT-VALUE})")
    List<String> depth;
    @Option(names = "--parallel", split = ",", paramLabel = "N", defaultValue = "1", description = "sequences decoding "
            + "together, one token each per step, each with its own context: a batched decode, as llama-batched-bench's "
            + "-npl; decode tok/s then counts the tokens of all of them (default: ${DEFAULT-VALUE})")
    List<String> sequences;
    @Option(names = {"-r", "--repetitions"}, defaultValue = "3", description = "repetitions; median and spread reported (default: ${DEFAULT-VALUE})")
    int repetitions;
    @Option(names = "--ubatch", defaultValue = "128", description = "tokens per prefill step (default: ${DEFAULT-VALUE})")
    int prefillChunk;
    @Option(names = "--kv-type", split = ",", paramLabel = "f16|f32", defaultValue = "f16",
            description = "KV cache type; a list runs each (default: ${DEFAULT-VALUE})")
    List<String> kvType;
    @Option(names = "--lm-head", split = ",", paramLabel = "f16|q8", defaultValue = "f16",
            description = "LM head type; a list runs each, e.g. f16,q8 (default: ${DEFAULT-VALUE})")
    List<String> lmHead;
    @Option(names = "--json", description = "print one JSON object (as -o json)")
    boolean json;
    @Option(names = {"-o", "--output"}, paramLabel = "text|md|json", defaultValue = "text", description = "output format: "
            + "the side-by-side tables, one Markdown table (llama-bench's md) or one JSON object (default: ${DEFAULT-VALUE})")
    String output;
    @Option(names = "--profile", description = "after the timed runs, prefill -p and decode -n tokens once more with "
            + "each operation timed, and show where a step's time goes (device backends wait for each operation, so these "
            + "runs are slower and not part of the pp and tg figures)")
    boolean profile;
    @Option(names = "--report", paramLabel = "FILE.html", description = "also write the results as a self-contained HTML page "
            + "with bar charts (no scripts or network; written atomically)")
    Path report;
    @Option(names = "--bandwidth-probe-mib", hidden = true, defaultValue = "1024", description = "size of the bandwidth probe's buffer (0: no probe, as the tests do)")
    long bandwidthProbeMib;
    @Mixin
    VerboseOption verbose;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        if (!List.of("text", "md", "json").contains(output)) throw new BitNetException("-o must be text, md or json, not " + output);
        if (json) output = "json";
        if (repetitions < 1) throw new BitNetException("-r must be >= 1, not " + repetitions);
        if (prefillChunk < 1) throw new BitNetException("--ubatch must be >= 1, not " + prefillChunk);
        Sweep sweep = new Sweep(ValueLists.parse("-t", threads, 0), lmHead.stream().map(LmHeadType::parse).toList(),
                kvType.stream().map(KvType::parse).toList(), ValueLists.parse("-d", depth, 0),
                ValueLists.parse("--parallel", sequences, 1), ValueLists.parse("-p", promptTokens, 0),
                ValueLists.parse("-n", genTokens, 0));
        if (report != null) requireWritable(report);
        ZonedDateTime started = ZonedDateTime.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Path model = source.file(err);
        List<BenchConfig> runs = runs(sweep, model);
        for (BenchConfig cfg : runs) {   // every run's threads and context, before the first starts
            threadCount(cfg);
            BenchRunner.checkModel(cfg);
        }
        List<List<BenchOutcome>> outcomes = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            BenchConfig cfg = runs.get(i);
            String prefix = runs.size() == 1 ? "" : "[" + (i + 1) + "/" + runs.size() + ": " + cfg.tests() + ", "
                    + threadCount(cfg) + (threadCount(cfg) == 1 ? " thread] " : " threads] ");
            outcomes.add(BenchRunner.run(cfg, backend -> err.println(prefix + "running " + backend + "...")));
        }
        // after the backends: the probe's 1 GiB buffer, even freed, could stay in the resident set of the first one
        Map<Integer, Double> bandwidth = new TreeMap<>();
        for (BenchConfig cfg : runs) bandwidth.put(threadCount(cfg), 0.0);
        if (bandwidthProbeMib > 0) {
            for (int threadCount : bandwidth.keySet()) {
                err.println("measuring memory read bandwidth (" + threadCount + " threads)...");
                bandwidth.put(threadCount, MemoryBandwidth.measure(threadCount, bandwidthProbeMib << 20, 5));
            }
        }
        List<BenchReport> results = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            BenchConfig cfg = runs.get(i);
            for (BenchOutcome o : outcomes.get(i)) {
                if (o instanceof SkippedBackend s) {
                    err.println(s.backend() + " " + s.label());
                    if (verbose.verbose && s.cause() != null) s.cause().printStackTrace(err);
                }
            }
            results.add(new BenchReport(MachineInfo.current(), started, commandLine(),
                    source.describe(model),
                    ModelFiles.bytes(model), cfg, threadCount(cfg), bandwidth.get(threadCount(cfg)), outcomes.get(i)));
        }
        switch (output) {
            case "json" -> out.println(Json.write(results.size() == 1 ? BenchJson.of(results.getFirst()) : BenchJson.of(results)));
            case "md" -> out.print(MarkdownTable.render(results));
            default -> {
                for (BenchReport result : results) {
                    if (results.size() > 1) out.println();
                    out.print(ComparisonTable.render(result));
                }
                if (results.size() > 1) out.print(System.lineSeparator() + SweepTable.render(results));
            }
        }
        out.flush();
        if (report != null) {
            HtmlReport.write(results, report);
            err.println("report written to " + report);
        }
        if (results.stream().allMatch(r -> r.results().isEmpty())) {
            throw new BitNetException("no backend could run: " + String.join("; ", results.getFirst().outcomes().stream()
                    .map(o -> o.backend() + " " + ((SkippedBackend) o).label()).toList()));
        }
        return 0;
    }

    /** The values of the options that sweep, each list as given (llama-bench's value lists). */
    private record Sweep(List<Integer> threads, List<LmHeadType> heads, List<KvType> kvTypes, List<Integer> depths,
                         List<Integer> sequences, List<Integer> prompts, List<Integer> gens) {
        Sweep {
            long runs = (long) threads.size() * heads.size() * kvTypes.size() * depths.size() * sequences.size()
                    * prompts.size() * gens.size();
            if (runs > ValueLists.MAX_VALUES) throw new BitNetException("the value lists make more than " + ValueLists.MAX_VALUES + " runs");
        }
    }

    /**
     * One run per combination of the swept values, in llama-bench's order: threads outermost, then the LM head, the KV
     * cache type, depth, sequences, prompt and generated tokens.
     */
    private List<BenchConfig> runs(Sweep sweep, Path model) {
        List<BenchConfig> list = new ArrayList<>();
        for (int t : sweep.threads()) for (LmHeadType head : sweep.heads()) for (KvType kv : sweep.kvTypes())
            for (int d : sweep.depths()) for (int s : sweep.sequences()) for (int p : sweep.prompts()) for (int n : sweep.gens()) {
                list.add(new BenchConfig(model, backends, t, p, n, d, s, repetitions, prefillChunk, kv, head, profile));
            }
        return list;
    }

    /** The CPU threads a run uses (its 0 resolved to the cores). */
    private static int threadCount(BenchConfig cfg) {
        return new BackendOptions(cfg.threads(), "").threadsOrCores();
    }

    /** Fails before the (long) measurement when the report could not be written afterwards. */
    private static void requireWritable(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        if (Files.isDirectory(file)) throw new BitNetException("--report " + file + ": is a directory");
        if (dir == null || !Files.isDirectory(dir)) throw new BitNetException("--report " + file + ": no such directory " + dir);
        if (!Files.isWritable(dir)) throw new BitNetException("--report " + file + ": directory " + dir + " is not writable");
        if (Files.exists(file) && !Files.isWritable(file)) throw new BitNetException("--report " + file + ": not writable");
    }

    /** The command line as typed, quoted for a POSIX shell where needed. */
    private String commandLine() {
        List<String> words = new ArrayList<>(List.of("bitnet"));
        words.addAll(spec.commandLine().getParseResult().originalArgs());   // the whole line, "bench" included
        return String.join(" ", words.stream().map(BenchCommand::shellQuoted).toList());
    }

    static String shellQuoted(String word) {
        if (!word.isEmpty() && word.matches("[A-Za-z0-9_@%+=:,./-]+")) return word;
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
