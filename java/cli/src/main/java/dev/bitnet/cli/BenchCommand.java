package dev.bitnet.cli;

import dev.bitnet.api.BitNetException;
import dev.bitnet.backend.BackendOptions;
import dev.bitnet.backend.KvType;
import dev.bitnet.model.LmHeadType;
import dev.bitnet.bench.BackendResult;
import dev.bitnet.bench.BenchConfig;
import dev.bitnet.bench.BenchRunner;
import dev.bitnet.bench.MemoryBandwidth;
import dev.bitnet.bench.Stats;
import dev.bitnet.testmodel.TestModelGenerator;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code bitnet bench}: prefill and decode speed, memory and achieved bandwidth per backend (like llama-bench), against
 * the machine's read bandwidth measured on the spot.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark backends on a model file or a synthetic 2B4T-shaped model: prefill and decode tokens/s, "
                + "memory, bytes read per token and the share of the measured memory bandwidth.")
final class BenchCommand implements Callable<Integer> {
    @ArgGroup(multiplicity = "1")
    Source source;
    @Option(names = "--backends", split = ",", defaultValue = "cpu", description = "backends to compare (default: ${DEFAULT-VALUE})")
    List<String> backends;
    @Option(names = {"-t", "--threads"}, defaultValue = "0", description = "CPU threads (default: one per core)")
    int threads;
    @Option(names = {"-p", "--n-prompt"}, defaultValue = "128", description = "prompt tokens (default: ${DEFAULT-VALUE})")
    int promptTokens;
    @Option(names = {"-n", "--n-gen"}, defaultValue = "128", description = "generated tokens (default: ${DEFAULT-VALUE})")
    int genTokens;
    @Option(names = {"-r", "--repetitions"}, defaultValue = "3", description = "repetitions; median and spread reported (default: ${DEFAULT-VALUE})")
    int repetitions;
    @Option(names = "--ubatch", defaultValue = "128", description = "tokens per prefill step (default: ${DEFAULT-VALUE})")
    int prefillChunk;
    @Option(names = "--kv-type", defaultValue = "f16", description = "KV cache type (default: ${DEFAULT-VALUE})")
    String kvType;
    @Option(names = "--lm-head", paramLabel = "f16|q8", defaultValue = "f16", description = "LM head type (default: ${DEFAULT-VALUE})")
    String lmHead;
    @Option(names = "--json", description = "print one JSON object")
    boolean json;
    @Mixin
    VerboseOption verbose;
    @Spec
    CommandSpec spec;

    static final class Source {
        @Option(names = {"-m", "--model"}, description = "GGUF model file")
        Path model;
        @Option(names = "--synthetic", description = "2b4t: BitNet b1.58 2B4T's shapes with random I2_S weights (written once to the temp folder)")
        String synthetic;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        if (repetitions < 1 || promptTokens < 0 || genTokens < 0) throw new BitNetException("-r must be >= 1, -p and -n >= 0");
        Path model = source.model != null ? source.model : synthetic(source.synthetic, err);
        ModelFiles.requireFile(model);
        int threadCount = new BackendOptions(threads, "").threadsOrCores();
        err.println("measuring memory read bandwidth (" + threadCount + " threads)...");
        double bandwidth = MemoryBandwidth.measure(threadCount, 1L << 30, 5);
        BenchConfig cfg = new BenchConfig(model, backends, threads, promptTokens, genTokens, repetitions, prefillChunk, KvType.parse(kvType),
                LmHeadType.parse(lmHead));
        List<BackendResult> results = new ArrayList<>();
        for (String b : backends) {
            err.println("running " + b + "...");
            results.addAll(BenchRunner.run(new BenchConfig(cfg.model(), List.of(b), threads, promptTokens, genTokens, repetitions, prefillChunk, cfg.kvType(), cfg.lmHead())));
        }
        boolean agree = results.stream().allMatch(r -> Arrays.equals(r.greedyIds(), results.getFirst().greedyIds()));
        if (json) {
            out.println(Json.write(report(model, threadCount, bandwidth, results, agree)));
        } else {
            printTable(out, model, threadCount, bandwidth, results, agree);
        }
        return 0;
    }

    private Path synthetic(String name, PrintWriter err) throws Exception {
        if (!name.equalsIgnoreCase("2b4t")) throw new BitNetException("--synthetic supports only 2b4t, got " + name);
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "bitnet-synthetic");
        Files.createDirectories(dir);
        Path file = dir.resolve("2b4t-i2_s-seed1.gguf");
        if (!Files.exists(file)) {
            err.println("writing a random 2B4T-shaped model to " + file + " (once)...");
            Path tmp = dir.resolve("2b4t-i2_s-seed1.gguf.partial");
            TestModelGenerator.write(MakeTestModelCommand.spec("i2_s", "2b4t"), tmp);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        return file;
    }

    private Map<String, Object> report(Path model, int threadCount, double bandwidth, List<BackendResult> results, boolean agree) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("model", model.toString());
        o.put("threads", threadCount);
        o.put("prompt_tokens", promptTokens);
        o.put("gen_tokens", genTokens);
        o.put("repetitions", repetitions);
        o.put("lm_head", lmHead);
        o.put("machine_bandwidth_gb_per_s", bandwidth / 1e9);
        o.put("greedy_outputs_agree", agree);
        List<Map<String, Object>> list = new ArrayList<>();
        for (BackendResult r : results) {
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("backend", r.backend());
            b.put("description", r.description());
            b.put("load_seconds", r.loadSeconds());
            b.put("prefill_tokens_per_s", r.prefill().median());
            b.put("prefill_tokens_per_s_min_max", List.of(r.prefill().min(), r.prefill().max()));
            b.put("decode_tokens_per_s", r.decode().median());
            b.put("decode_tokens_per_s_min_max", List.of(r.decode().min(), r.decode().max()));
            b.put("peak_rss_bytes", r.peakRssBytes());
            b.put("backend_bytes", r.deviceBytes());
            b.put("bytes_per_token", r.bytesPerToken());
            b.put("bandwidth_gb_per_s", r.achievedBytesPerSecond() / 1e9);
            b.put("bandwidth_share", r.achievedBytesPerSecond() / bandwidth);
            list.add(b);
        }
        o.put("backends", list);
        return o;
    }

    private void printTable(PrintWriter out, Path model, int threadCount, double bandwidth, List<BackendResult> results, boolean agree) {
        out.printf("model %s, %d threads, pp%d / tg%d, %d repetitions; machine read bandwidth %.1f GB/s%n%n",
                model.getFileName(), threadCount, promptTokens, genTokens, repetitions, bandwidth / 1e9);
        out.printf("%-10s %8s %20s %20s %10s %10s %9s %9s %7s%n", "backend", "load s", "prefill tok/s", "decode tok/s",
                "peak RSS", "on backend", "MB/token", "GB/s", "of bw");
        for (BackendResult r : results) {
            out.printf("%-10s %8.2f %20s %20s %10s %10s %9.0f %9.1f %6.0f%%%n", r.backend(), r.loadSeconds(),
                    fmt(r.prefill()), fmt(r.decode()), InfoCommand.mib(r.peakRssBytes()), InfoCommand.mib(r.deviceBytes()),
                    r.bytesPerToken() / 1e6, r.achievedBytesPerSecond() / 1e9, 100 * r.achievedBytesPerSecond() / bandwidth);
        }
        if (results.size() > 1) out.println("\ngreedy outputs " + (agree ? "agree" : "DIFFER") + " across backends");
    }

    private static String fmt(Stats s) {
        return String.format("%.2f ±%.0f%%", s.median(), s.spreadPercent());
    }
}
