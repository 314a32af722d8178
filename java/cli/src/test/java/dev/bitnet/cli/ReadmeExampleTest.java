package dev.bitnet.cli;

import dev.bitnet.api.BitNet;
import dev.bitnet.api.BitNetModel;
import dev.bitnet.api.GenerationParams;
import dev.bitnet.api.GenerationResult;
import dev.bitnet.api.LoadOptions;
import dev.bitnet.api.Session;
import dev.bitnet.api.TokenListener;
import dev.bitnet.scheduler.Generation;
import dev.bitnet.scheduler.Scheduler;
import dev.bitnet.gguf.GgmlType;
import dev.bitnet.testmodel.TestModelGenerator;
import dev.bitnet.testmodel.TestModelSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's "Java API" examples, as written there, on a generated model (so the README cannot drift). */
class ReadmeExampleTest {
    @TempDir
    Path dir;

    @Test
    void theReadmeExampleRuns() {
        Path file = dir.resolve("ggml-model-i2_s.gguf");
        TestModelGenerator.write(TestModelSpec.tiny(GgmlType.I2_S).withSeed(5), file);
        int[] generated = new int[1];
        String printed = stdoutOf(() -> generated[0] = readmeExample(file));
        assertTrue(generated[0] > 0 && generated[0] <= 32, "generated " + generated[0]);
        assertTrue(printed.contains(generated[0] + " tokens, "), printed);
    }

    /** What {@code example} prints to System.out. */
    private static String stdoutOf(Runnable example) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            example.run();
        } finally {
            System.setOut(stdout);
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }

    /** Copied from README.md (only the file path is a parameter and the token count is returned). */
    private static int readmeExample(Path path) {
        try (BitNetModel model = BitNet.load(path, LoadOptions.defaults().withThreads(4));
             Session session = model.newSession()) {
            GenerationResult r = session.generate("The capital of France is", GenerationParams.greedy(32),
                    (id, text) -> System.out.print(text));               // streaming callback
            System.out.printf("%n%d tokens, %.1f tok/s, stop: %s%n", r.ids().length, r.decodeTokensPerSecond(), r.stopReason());
            return r.ids().length;
        }
    }

    @Test
    void theSchedulerExampleRuns() {
        Path file = dir.resolve("ggml-model-i2_s.gguf");
        TestModelGenerator.write(TestModelSpec.tiny(GgmlType.I2_S).withSeed(5), file);
        String printed = stdoutOf(() -> schedulerExample(file));
        // what sessions generate alone, one after another
        StringBuilder expected = new StringBuilder();
        try (BitNetModel model = BitNet.load(file, LoadOptions.defaults())) {
            for (String prompt : List.of("The capital of France is", "Water boils at", "BitNet b1.58 is")) {
                try (Session s = model.newSession()) {
                    expected.append(s.generate(prompt, GenerationParams.greedy(32), TokenListener.NONE).text()).append(System.lineSeparator());
                }
            }
        }
        assertEquals(expected.toString(), printed);
    }

    /** Copied from README.md (only the file path is a parameter). */
    private static void schedulerExample(Path path) {
        try (BitNetModel model = BitNet.load(path, LoadOptions.defaults().withMaxSequences(8));
             Scheduler scheduler = new Scheduler(model)) {
            List<Generation> running = new ArrayList<>();
            for (String prompt : List.of("The capital of France is", "Water boils at", "BitNet b1.58 is")) {
                running.add(scheduler.submit(model.tokenizer().encode(prompt, true), GenerationParams.greedy(32), TokenListener.NONE));
            }
            for (Generation g : running) System.out.println(g.result().join().text());   // each as if it ran alone
        }
    }
}
