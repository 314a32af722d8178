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
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
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
        Run b = run("generate", "-m", model.toString(), "--prompt-ids", "510,5,6,7", "-n", "12", "--temperature", "0", "--json", "--backend", "reference");
        assertEquals(o.get("ids"), JSON.readTree(b.out()).get("ids"), "cpu and reference greedy ids");
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
        assertCleanError(run("generate", "-m", model.toString(), "-p", "a long prompt that does not fit", "-c", "4"), 1, "does not fit in the context");
        assertCleanError(run("generate", "-m", model.toString(), "-p", "x", "--activation", "gelu"), 1, "unknown activation");
    }

    @Test
    void usageErrorsExitWith2() {
        Run r = run("generate", "-m", model.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--help"), r.err());
        assertEquals(2, run("frobnicate").code());
    }
}
