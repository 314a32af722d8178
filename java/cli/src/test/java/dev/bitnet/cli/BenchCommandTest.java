package dev.bitnet.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bitnet.gguf.GgmlType;
import dev.bitnet.testmodel.TestModelGenerator;
import dev.bitnet.testmodel.TestModelSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** {@code bitnet bench} end to end: the side-by-side table, skipped backends, --json, --report and its errors. */
class BenchCommandTest {
    /** No bandwidth probe (it takes seconds; the bench module tests it). */
    static final String[] FAST = {"-p", "8", "-n", "8", "-r", "1", "-t", "1", "--bandwidth-probe-mib", "0"};
    static final String SHIPPED = "test-models/bitnet-tiny-llama3-i2_s.gguf";
    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void writeModel() {
        model = dir.resolve("tiny.gguf");
        TestModelGenerator.write(TestModelSpec.tiny(GgmlType.I2_S).withSeed(4), model);
    }

    static CliTest.Run bench(String... args) {
        String[] all = new String[1 + args.length + FAST.length];
        all[0] = "bench";
        System.arraycopy(args, 0, all, 1, args.length);
        System.arraycopy(FAST, 0, all, 1 + args.length, FAST.length);
        return CliTest.run(all);
    }

    /** The shipped model, found from the module folder the tests run in, up to the repository root. */
    static Path shippedModel() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve(SHIPPED))) return d.resolve(SHIPPED);
        }
        return fail(SHIPPED + " not found above " + Path.of("").toAbsolutePath());
    }

    @Test
    void cpuAndReferenceOnTheShippedModelAgreeInTheTableAndTheReport() throws Exception {
        Path page = dir.resolve("report.html");
        CliTest.Run r = bench("-m", shippedModel().toString(), "--backends", "cpu,reference", "--report", page.toString());
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().lines().toArray(String[]::new);
        assertTrue(r.out().lines().anyMatch(l -> l.matches("cpu +[0-9.]+ +[0-9.]+ ±\\d+% +[0-9.]+ ±\\d+% +[0-9.]+ MiB +— +.*")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("reference ")), r.out());
        assertTrue(r.out().contains("greedy outputs compared with cpu (all agree):"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches(" +reference +agree \\(8 greedy ids\\); first-step logits within \\S+ relative; "
                + "teacher-forced: same top token in 8 of 8 steps, mean KL \\S+")), String.join("\n", lines));
        assertTrue(r.err().contains("report written to " + page), r.err());
        assertTrue(r.out().lines().findFirst().orElseThrow().endsWith("machine read bandwidth not measured"), r.out());
        String html = Files.readString(page);
        assertTrue(html.contains("<span class=\"agree\">all agree</span>"), "the page's agreement");
        assertTrue(html.contains("bitnet bench -m " + shippedModel() + " --backends cpu,reference "), "the command line");
        assertEquals(3 * 2, html.split("<rect class=\"bar\"", -1).length - 1, "one bar per backend in each of the 3 charts");
    }

    @Test
    void anUnknownBackendIsOneSkippedLineAndTheOthersStillRun() throws Exception {
        CliTest.Run t = bench("-m", model.toString(), "--backends", "reference,cuda");
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().lines().anyMatch(l -> l.matches("cuda +skipped: no backend 'cuda' in this build \\(available: .*reference.*\\)")),
                t.out());
        assertFalse(t.err().contains("Exception"), t.err());

        CliTest.Run j = bench("-m", model.toString(), "--backends", "reference,cuda,reference", "--json");
        assertEquals(0, j.code(), j.err());
        JsonNode o = new ObjectMapper().readTree(j.out());
        assertTrue(o.get("greedy_outputs_agree").asBoolean());
        JsonNode machine = o.get("machine");
        assertEquals(Runtime.getRuntime().availableProcessors(), machine.get("hardware_threads").asInt());
        assertTrue(machine.get("cores").asInt() >= 1 && machine.get("cores").asInt() <= machine.get("hardware_threads").asInt(),
                machine.toString());
        JsonNode first = o.get("backends").get(0), skipped = o.get("backends").get(1), third = o.get("backends").get(2);
        for (String key : new String[]{"backend", "description", "load_seconds", "prefill_tokens_per_s", "decode_tokens_per_s",
                "peak_rss_bytes", "backend_bytes", "bytes_per_token", "bandwidth_gb_per_s", "bandwidth_share",
                "device_memory_bytes", "agreement", "status"}) {
            assertTrue(first.has(key), key);
        }
        assertEquals(0, first.get("device_memory_bytes").asLong(), "a host backend");
        assertTrue(first.get("agreement").isNull(), "the first backend is what the others are compared with");
        assertEquals("skipped", skipped.get("status").asText());
        assertEquals("cuda", skipped.get("backend").asText());
        assertTrue(skipped.get("skipped").asText().startsWith("no backend 'cuda' in this build"), skipped.toString());
        JsonNode agreement = third.get("agreement");
        assertEquals("reference", agreement.get("compared_with").asText());
        assertTrue(agreement.get("greedy_ids_agree").asBoolean());
        assertEquals(8, agreement.get("steps_compared").asInt());
        assertTrue(agreement.get("first_differing_step").isNull());
        assertEquals(0.0, agreement.get("max_relative_logit_difference").asDouble());
        assertEquals(8, agreement.get("teacher_forced_steps").asInt());
        assertEquals(8, agreement.get("teacher_forced_same_top_token").asInt());
        assertEquals(0.0, agreement.get("teacher_forced_mean_kl_divergence").asDouble(), "the same backend twice: the same logits");
        assertTrue(first.get("decode_profile").isNull() && first.get("prefill_profile").isNull(), "no --profile");
    }

    @Test
    void profileAddsEachBackendsDecodeStepByOperationToTheTableAndTheJson() throws Exception {
        CliTest.Run t = bench("-m", model.toString(), "--backends", "reference", "--profile");
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().contains("prefill steps by operation (one more pp8 after the timed runs"), t.out());
        assertTrue(t.out().contains("decode steps by operation (one more tg8 after the timed runs"), t.out());
        assertTrue(t.out().contains("  reference: ") && t.out().contains(" ms a step over 1 step" + System.lineSeparator()), t.out());
        assertTrue(t.out().lines().anyMatch(l -> l.matches(" +attention +2 +[0-9.]+ +[0-9.]+% +\u2014")), t.out());

        CliTest.Run j = bench("-m", model.toString(), "--backends", "reference", "--profile", "--json");
        assertEquals(0, j.code(), j.err());
        JsonNode backend = new ObjectMapper().readTree(j.out()).get("backends").get(0);
        assertEquals(1, backend.get("prefill_profile").get("steps").asInt(), "8 prompt tokens in one step");
        JsonNode profile = backend.get("decode_profile");
        assertEquals(8, profile.get("steps").asInt());
        double sum = 0, shares = 0;
        for (JsonNode op : profile.get("ops")) {
            sum += op.get("ms_per_step").asDouble();
            shares += op.get("share").asDouble();
            boolean weights = op.get("op").asText().startsWith("bitLinear") || op.get("op").asText().equals("lmHead");
            assertEquals(weights, !op.get("weight_gb_per_s").isNull(), op.toString());
        }
        assertEquals(profile.get("ms_per_step").asDouble(), sum, 1e-6);
        assertEquals(1.0, shares, 1e-9);
    }

    @Test
    void parallelDecodesSeveralSequencesTogetherAndSaysSo() throws Exception {
        CliTest.Run t = bench("-m", model.toString(), "--backends", "reference,cpu", "--parallel", "3");
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().lines().findFirst().orElseThrow().contains("pp8 / tg8 x 3 sequences"), t.out());
        assertTrue(t.out().lines().anyMatch(l -> l.matches(" +cpu +agree \\(8 greedy ids of each of 3 sequences\\); .*")), t.out());

        CliTest.Run j = bench("-m", model.toString(), "--backends", "reference", "--parallel", "3", "--json");
        assertEquals(0, j.code(), j.err());
        JsonNode o = new ObjectMapper().readTree(j.out());
        assertEquals(3, o.get("sequences").asInt());
        CliTest.Run one = bench("-m", model.toString(), "--backends", "reference", "--json");
        JsonNode single = new ObjectMapper().readTree(one.out());
        assertEquals(1, single.get("sequences").asInt());
        assertEquals(single.get("backends").get(0).get("bytes_per_token").asLong() / 3,
                o.get("backends").get(0).get("bytes_per_token").asLong(), "three sequences share each step's weight reads");

        CliTest.Run zero = bench("-m", model.toString(), "--backends", "reference", "--parallel", "0");
        assertEquals(1, zero.code());
        assertEquals("error: --parallel must be >= 1, not 0", zero.err().strip());
    }

    @Test
    void valueListsRunEveryCombinationAndSummariseThem() throws Exception {
        Path page = dir.resolve("sweep.html");
        String[] sweep = {"bench", "-m", model.toString(), "--backends", "reference", "-p", "0,8", "-n", "2-3", "-t", "1",
                "-r", "1", "--bandwidth-probe-mib", "0"};
        CliTest.Run t = CliTest.run(append(sweep, "--report", page.toString()));
        assertEquals(0, t.code(), t.err());
        List<String> tables = t.out().lines().filter(l -> l.startsWith("model ")).toList();
        assertEquals(List.of("pp0 / tg2", "pp0 / tg3", "pp8 / tg2", "pp8 / tg3"),
                tables.stream().map(l -> l.replaceAll(".*thread, (.*), 1 repetition.*", "$1")).toList(), t.out());
        assertTrue(t.out().contains("all runs (4):"), t.out());
        List<String> rows = t.out().lines().dropWhile(l -> !l.startsWith("all runs")).skip(2).toList();
        assertEquals(4, rows.size(), t.out());
        assertTrue(rows.get(0).matches("1 +pp0 / tg2 +reference +— +[0-9.]+ ±\\d+% +[0-9.]+ +—"), "-p 0 times no prefill: " + rows.get(0));
        assertTrue(rows.get(3).matches("1 +pp8 / tg3 +reference +[0-9.]+ ±\\d+% +[0-9.]+ ±\\d+% +[0-9.]+ +—"), rows.get(3));
        assertTrue(t.err().contains("[4/4: pp8 / tg3, 1 thread] running reference..."), t.err());
        String html = Files.readString(page);
        assertTrue(html.contains("<h2>All runs</h2>") && html.contains("<h2>pp8 / tg3, 1 thread</h2>"), html);
        assertEquals(4, html.split("<h3>Results</h3>", -1).length - 1, "one section per run");

        CliTest.Run j = CliTest.run(append(sweep, "--json"));
        assertEquals(0, j.code(), j.err());
        JsonNode runs = new ObjectMapper().readTree(j.out()).get("runs");
        assertEquals(4, runs.size(), j.out());
        assertEquals(8, runs.get(2).get("prompt_tokens").asInt());
        assertEquals(2, runs.get(2).get("gen_tokens").asInt());
        assertTrue(runs.get(3).get("backends").get(0).get("decode_tokens_per_s").asDouble() > 0);

        // a run the model cannot hold fails the command before any run starts
        CliTest.Run deep = CliTest.run(append(sweep, "-d", "0,100000"));
        assertEquals(1, deep.code());
        assertFalse(deep.err().contains("running"), deep.err());
        assertTrue(deep.err().strip().startsWith("error: -d 100000 plus the longer of -p 0 and -n 2 is 100002 positions"), deep.err());
        assertEquals("", deep.out());
    }

    @Test
    void theLmHeadAndTheKvTypeSweepToo() throws Exception {
        CliTest.Run j = CliTest.run("bench", "-m", model.toString(), "--backends", "reference", "-p", "4", "-n", "2", "-t", "1",
                "-r", "1", "--bandwidth-probe-mib", "0", "--lm-head", "f16,q8", "--kv-type", "f16,f32", "--json");
        assertEquals(0, j.code(), j.err());
        JsonNode runs = new ObjectMapper().readTree(j.out()).get("runs");
        assertEquals(4, runs.size(), j.out());
        assertEquals("f16 f16 q8 q8", String.join(" ", java.util.stream.IntStream.range(0, 4).mapToObj(i -> runs.get(i).get("lm_head").asText()).toList()));
        assertEquals("f16 f32 f16 f32", String.join(" ", java.util.stream.IntStream.range(0, 4).mapToObj(i -> runs.get(i).get("kv_type").asText()).toList()));
        long f16Bytes = runs.get(0).get("backends").get(0).get("bytes_per_token").asLong();
        long q8Bytes = runs.get(2).get("backends").get(0).get("bytes_per_token").asLong();
        assertTrue(q8Bytes < f16Bytes, "int8 rows are half the f16 head's bytes: " + q8Bytes + " vs " + f16Bytes);

        CliTest.Run t = CliTest.run("bench", "-m", model.toString(), "--backends", "reference", "-p", "4", "-n", "2", "-t", "1",
                "-r", "1", "--bandwidth-probe-mib", "0", "--lm-head", "f16,q8");
        assertEquals(0, t.code(), t.err());
        List<String> rows = t.out().lines().dropWhile(l -> !l.startsWith("all runs")).skip(2).toList();
        assertTrue(rows.get(0).matches("1 +pp4 / tg2 +reference .*") && rows.get(1).matches("1 +pp4 / tg2, q8 head +reference .*"),
                String.join("\n", rows));
        assertEquals(1, CliTest.run("bench", "-m", model.toString(), "--lm-head", "f16,q4").code());
    }

    @Test
    void markdownOutputIsOneTableAndAnUnknownFormatIsAnError() {
        CliTest.Run md = bench("-m", model.toString(), "--backends", "reference", "-o", "md");
        assertEquals(0, md.code(), md.err());
        List<String> lines = md.out().lines().toList();
        assertEquals(5, lines.size(), md.out());
        assertTrue(lines.get(2).startsWith("| backend | threads | test |"), lines.get(2));
        assertTrue(lines.get(4).matches("\\| reference \\| 1 \\| pp8 / tg8 \\| [0-9.]+ ±\\d+% \\| .*"), lines.get(4));
        CliTest.Run xml = bench("-m", model.toString(), "--backends", "reference", "-o", "xml");
        assertEquals(1, xml.code());
        assertEquals("error: -o must be text, md or json, not xml", xml.err().strip());
    }

    private static String[] append(String[] args, String... more) {
        String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return all;
    }

    @Test
    void whenNoBackendCanRunTheTableShowsWhyAndTheExitCodeIs1() {
        CliTest.Run r = bench("-m", model.toString(), "--backends", "cuda,cpu:3");
        assertEquals(1, r.code(), r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("cpu:3 +skipped: backend 'cpu' runs on the host CPU and has no device '3'.*")), r.out());
        String last = r.err().strip().lines().reduce((a, b) -> b).orElseThrow();
        assertTrue(last.startsWith("error: no backend could run: cuda skipped: no backend 'cuda'"), last);
    }

    @Test
    void anUnwritableReportIsOneLineErrorBeforeAnythingRuns() {
        Path missing = dir.resolve("no-such-dir/report.html");
        CliTest.Run r = bench("-m", model.toString(), "--backends", "reference", "--report", missing.toString());
        assertEquals(1, r.code(), r.err());
        assertEquals("error: --report " + missing + ": no such directory " + missing.getParent(), r.err().strip());
        assertEquals("", r.out());

        CliTest.Run d = bench("-m", model.toString(), "--backends", "reference", "--report", dir.toString());
        assertEquals(1, d.code(), d.err());
        assertEquals("error: --report " + dir + ": is a directory", d.err().strip());
    }

    @Test
    void helpShowsReportButNotTheHiddenProbeOption() {
        CliTest.Run r = CliTest.run("bench", "--help");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("--report=FILE.html"), r.out());
        assertFalse(r.out().contains("--bandwidth-probe-mib"), r.out());
    }

    @Test
    void commandLinesAreQuotedForTheShell() {
        assertEquals("-m", BenchCommand.shellQuoted("-m"));
        assertEquals("a/b.gguf", BenchCommand.shellQuoted("a/b.gguf"));
        assertEquals("'two words'", BenchCommand.shellQuoted("two words"));
        assertEquals("'it'\\''s'", BenchCommand.shellQuoted("it's"));
        assertEquals("''", BenchCommand.shellQuoted(""));
    }
}
