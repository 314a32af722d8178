package dev.bitnet.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bitnet.gguf.GgmlType;
import dev.bitnet.gguf.GgufFile;
import dev.bitnet.testmodel.TestModelGenerator;
import dev.bitnet.testmodel.TestModelSpec;
import dev.bitnet.tokenizer.Llama3Tokenizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The command line in-process: outputs, exit codes, and one-line errors without stack traces. */
class CliTest {
    @TempDir
    static Path dir;
    static Path model;
    static final ObjectMapper JSON = new ObjectMapper();

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        return runWithInput("", args);
    }

    static Run runWithInput(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Main.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @BeforeAll
    static void writeModel() {
        model = dir.resolve("tiny.gguf");
        TestModelGenerator.write(TestModelSpec.tiny(GgmlType.I2_S).withSeed(9), model);
    }

    @Test
    void generateJsonHasEverythingAndIsDeterministicWhenGreedy() throws IOException {
        Run a = run("generate", "-m", model.toString(), "--prompt-ids", "510,5,6,7", "-n", "12", "--temperature", "0", "--json");
        assertEquals(0, a.code(), a.err());
        JsonNode o = JSON.readTree(a.out());
        for (String key : new String[]{"prompt_ids", "ids", "text", "stop_reason", "seed", "backend", "timings"}) {
            assertTrue(o.has(key), key);
        }
        assertEquals(12, o.get("ids").size());
        assertTrue(o.get("timings").has("decode_tokens_per_s"));
        Run b = run("generate", "-m", model.toString(), "--prompt-ids", "510,5,6,7", "-n", "12", "--temp", "0", "--json", "--backend", "reference");
        assertEquals(o.get("ids"), JSON.readTree(b.out()).get("ids"), "cpu and reference greedy ids (--temp is --temperature)");
    }

    @Test
    void aHuggingFaceCheckpointDirectoryRunsAsItsGguf() throws IOException {
        Path hf = dir.resolve("hf-checkpoint");
        dev.bitnet.testmodel.HfCheckpointWriter.fromGguf(model, hf, true);
        Run gguf = run("generate", "-m", model.toString(), "--prompt-ids", "510,5,6,7", "-n", "10", "--temperature", "0", "--json");
        Run checkpoint = run("generate", "-m", hf.toString(), "--prompt-ids", "510,5,6,7", "-n", "10", "--temperature", "0", "--json");
        assertEquals(0, checkpoint.code(), checkpoint.err());
        assertEquals(JSON.readTree(gguf.out()).get("ids"), JSON.readTree(checkpoint.out()).get("ids"));
        assertEquals(run("tokenize", "-m", model.toString(), "the cat", "--json").out(), run("tokenize", "-m", hf.toString(), "the cat", "--json").out());
        Run info = run("info", "-m", hf.toString());
        assertEquals(Main.EXIT_USER_ERROR, info.code());
        assertTrue(info.err().startsWith("error: info reads GGUF files; "), info.err());
        Path made = dir.resolve("made-latent");
        Run make = run("make-test-model", "--shape", "tiny", "--seed", "9", "--hf", "latent", "-o", made.toString());
        assertEquals(0, make.code(), make.err());
        Run latent = run("generate", "-m", made.toString(), "--prompt-ids", "510,5,6,7", "-n", "10", "--temperature", "0", "--json");
        assertEquals(0, latent.code(), latent.err());
        assertEquals(10, JSON.readTree(latent.out()).get("ids").size());
        Run plainDir = run("generate", "-m", dir.toString(), "-p", "x");
        assertEquals(Main.EXIT_USER_ERROR, plainDir.code());
        assertTrue(plainDir.err().contains("is a directory without config.json"), plainDir.err());
    }

    @Test
    void generateStreamsTextAndTimings() {
        Run r = run("generate", "-m", model.toString(), "-p", "the cat", "-n", "5", "--seed", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("the cat"));
        assertTrue(r.err().contains("tok/s"), r.err());
    }

    @Test
    void tokenizeJsonMatchesTheTokenizer() throws IOException {
        Run r = run("tokenize", "-m", model.toString(), "--json", "the theatre");
        assertEquals(0, r.code(), r.err());
        try (GgufFile f = GgufFile.open(model)) {
            int[] expected = Llama3Tokenizer.fromGguf(f).encode("the theatre", false);
            JsonNode ids = JSON.readTree(r.out()).get("ids");
            assertEquals(expected.length, ids.size());
            for (int i = 0; i < expected.length; i++) assertEquals(expected[i], ids.get(i).asInt());
        }
    }

    @Test
    void infoAndDevices() throws IOException {
        Run r = run("info", "-m", model.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode o = JSON.readTree(r.out());
        assertEquals(256, o.get("config").get("dim").asInt());
        assertEquals(2 + 2 * 11, o.get("tensors").size());
        Run d = run("devices");
        assertTrue(d.out().contains("cpu") && d.out().contains("reference"), d.out());
    }

    private static void assertCleanError(Run r, int code, String... fragments) {
        assertEquals(code, r.code(), r.err());
        String err = r.err().strip();
        assertTrue(err.startsWith("error: "), err);
        for (String f : fragments) assertTrue(err.contains(f), "'" + f + "' missing in: " + err);
        assertFalse(err.contains("Exception") || err.contains("\tat "), "stack trace in: " + err);
    }

    @Test
    void userErrorsAreOneLineWithoutStackTraces() throws IOException {
        assertCleanError(run("generate", "-m", dir.resolve("missing.gguf").toString(), "-p", "x"), 1, "not found");
        Path text = dir.resolve("text.gguf");
        Files.writeString(text, "hello, I am not a model");
        assertCleanError(run("info", "-m", text.toString()), 1, "not a GGUF file");
        Path cut = dir.resolve("cut.gguf");
        Files.write(cut, java.util.Arrays.copyOf(Files.readAllBytes(model), 5000));
        assertCleanError(run("generate", "-m", cut.toString(), "-p", "x"), 1, "cut.gguf");
        assertCleanError(run("generate", "-m", model.toString(), "-p", "x", "--backend", "nosuch"), 1, "unknown backend 'nosuch'");
        assertCleanError(run("generate", "-m", model.toString(), "-p", "x", "--backend", "cpu:7"), 1, "no device '7'");
        assertCleanError(run("generate", "-m", model.toString(), "-p", "a long prompt that does not fit in eight tokens of context, not at all", "-c", "8"), 1, "does not fit in the context");
        assertCleanError(run("generate", "-m", model.toString(), "--prompt-ids", "1,2,999999", "-n", "1"), 1, "999999");
        assertCleanError(run("generate", "-m", model.toString(), "-p", "x", "--top-p", "0"), 1, "--top-p");
        assertCleanError(run("generate", "-m", model.toString(), "-p", "x", "--temperature", "-1"), 1, "--temperature");
        assertCleanError(run("generate", "-m", model.toString(), "-p", "x", "--kv-type", "q4"), 1, "KV cache type");
        assertCleanError(run("tokenize", "-m", dir.resolve("missing.gguf").toString(), "x"), 1, "missing.gguf");
        assertCleanError(run("make-test-model", "--format", "q4_0", "-o", dir.resolve("x.gguf").toString()), 1, "--format");
        assertCleanError(run("make-test-model", "-o", dir.resolve("no/such/dir/x.gguf").toString()), 1, "no/such/dir");
        assertCleanError(run("generate", "-m", model.toString(), "-p", "x", "--activation", "gelu"), 1, "unknown activation");
        // refused before a thread is started (99999 threads ran the machine out of them: "out of memory" after minutes)
        assertCleanError(run("generate", "-m", model.toString(), "-p", "x", "-t", "99999"), 1, "threads: at most 512, not 99999");
        assertCleanError(run("bench", "-m", model.toString(), "-t", "2,99999", "--bandwidth-probe-mib", "0"), 1, "threads: at most 512");
        assertCleanError(run("bench", "-m", model.toString(), "--ubatch", "0"), 1, "--ubatch must be >= 1, not 0");
    }

    @Test
    void verboseAddsTheStackTrace() {
        Run r = run("info", "-m", dir.resolve("missing.gguf").toString(), "--verbose");
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("error: model file not found"), r.err());
        assertTrue(r.err().contains("\tat "), r.err());
    }

    @Test
    void chatKeepsTheConversationAndResets() {
        Run r = runWithInput("hello\nhow are you\n/reset\nhi\n/exit\nnever read\n",
                "chat", "-m", model.toString(), "-n", "4", "--temperature", "0", "--system", "Be brief.");
        assertEquals(0, r.code(), r.err());
        assertEquals(3, r.err().lines().filter(l -> l.contains("tok/s, context ")).count(), r.err());
        assertTrue(r.err().contains("(conversation cleared)"), r.err());
        // the second turn continues the first: its context is longer than the first turn's
        var contexts = r.err().lines().filter(l -> l.contains("context ")).map(l -> l.replaceAll(".*context (\\d+)/.*", "$1"))
                .filter(s -> s.matches("\\d+")).map(Integer::parseInt).toList();
        assertTrue(contexts.get(1) > contexts.get(0), contexts.toString());
        assertTrue(contexts.get(2) < contexts.get(1), contexts.toString());
        assertEquals(0, runWithInput("", "chat", "-m", model.toString()).code(), "end of input ends the chat");
    }

    @Test
    void tokenizeWithBosAndPieces() throws IOException {
        int bos;
        try (GgufFile f = GgufFile.open(model)) {
            bos = Llama3Tokenizer.fromGguf(f).bosId();
        }
        Run r = run("tokenize", "-m", model.toString(), "--json", "--bos", "the cat");
        assertEquals(bos, JSON.readTree(r.out()).get("ids").get(0).asInt());
        Run plain = run("tokenize", "-m", model.toString(), "the cat");
        assertEquals(0, plain.code(), plain.err());
        assertTrue(plain.out().contains("tokens"), plain.out());
    }

    @Test
    void makeTestModelWritesALoadableFile() throws IOException {
        Path file = dir.resolve("made-tq1.gguf");
        Run w = run("make-test-model", "--format", "tq1_0", "--shape", "tiny", "--seed", "3", "--arch", "bitnet-b1.58", "-o", file.toString());
        assertEquals(0, w.code(), w.err());
        JsonNode info = JSON.readTree(run("info", "-m", file.toString(), "--json").out());
        assertEquals("bitnet-b1.58", info.get("metadata").get("general.architecture").asText());
        Run g = run("generate", "-m", file.toString(), "--prompt-ids", "1,2,3", "-n", "3", "--temperature", "0", "--json");
        assertEquals(0, g.code(), g.err());
        assertEquals(3, JSON.readTree(g.out()).get("ids").size());
    }

    @Test
    void helpForEveryCommand() {
        Run top = run("--help");
        assertEquals(0, top.code());
        for (String c : new String[]{"generate", "chat", "info", "tokenize", "devices", "bench", "make-test-model"}) {
            assertTrue(top.out().contains(c), c);
            Run h = run(c, "--help");
            assertEquals(0, h.code(), c);
            assertTrue(h.out().startsWith("Usage: bitnet " + c), h.out());
        }
        assertEquals(0, run("devices", "--verbose").code());
    }

    @Test
    void helpGroupsTheSharedOptions() {
        String help = run("generate", "--help").out();
        int model = help.indexOf("\nModel and loading:\n"), sampling = help.indexOf("\nSampling and length:\n");
        assertTrue(model > 0 && sampling > model, help);
        assertTrue(help.indexOf("--backend") > model && help.indexOf("--backend") < sampling, help);
        assertTrue(help.indexOf("--temperature") > sampling, help);
        assertTrue(help.indexOf("--json") < model, "the command's own options come first:\n" + help);
        assertTrue(run("chat", "--help").out().contains("\nSampling and length:\n"));
    }

    @Test
    void unexpectedFailuresAreOneLineWithExitCode3() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        int code = ErrorReport.report(new IllegalStateException("broken\ninvariant"), false,
                new PrintStream(buffer, true, StandardCharsets.UTF_8));
        assertEquals(Main.EXIT_INTERNAL, code);
        String err = buffer.toString(StandardCharsets.UTF_8);
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.startsWith("internal error: java.lang.IllegalStateException: broken invariant (run with --verbose"), err);
    }

    @Test
    void usageErrorsExitWith2() {
        Run r = run("generate", "-m", model.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--help"), r.err());
        assertEquals(2, run("frobnicate").code());
    }
}
