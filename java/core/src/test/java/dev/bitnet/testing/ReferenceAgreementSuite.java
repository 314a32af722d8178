package dev.bitnet.testing;

import dev.bitnet.api.BitNet;
import dev.bitnet.api.BitNetModel;
import dev.bitnet.api.GenerationParams;
import dev.bitnet.api.GenerationResult;
import dev.bitnet.api.LoadOptions;
import dev.bitnet.api.Session;
import dev.bitnet.api.TokenListener;
import dev.bitnet.backend.KvType;
import dev.bitnet.gguf.GgmlType;
import dev.bitnet.model.Activation;
import dev.bitnet.model.LmHeadType;
import dev.bitnet.testmodel.TestModelGenerator;
import dev.bitnet.testmodel.TestModelSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every backend against the reference backend (the oracle) over whole models: identical greedy ids over 32 steps and
 * logits within 1e-3 relative, for every weight format, both KV cache types, several prefill chunkings, the int8 LM
 * head, a step mixing sequences, and the two outside engines' models. A backend's test class extends this and names
 * the backend.
 */
public abstract class ReferenceAgreementSuite {
    private static final int STEPS = 32;
    private static final double TOLERANCE = 1e-3;
    private static final int[] PROMPT = {5, 17, 300, 42, 99, 7, 256, 311, 64};

    @TempDir
    protected Path dir;

    /** The backend selector under test ("cpu", "opencl", ...). */
    protected abstract String backend();

    @ParameterizedTest(name = "{0}, {1} threads, prefill chunk {2}, {3} cache")
    @CsvSource({"I2_S, 1, 1, F16", "I2_S, 2, 4, F16", "I2_S, 3, 16, F32", "TQ2_0, 2, 4, F16", "TQ1_0, 2, 8, F32"})
    void generatedModelsAgree(GgmlType type, int threads, int chunk, KvType kv) {
        Path file = dir.resolve(type + ".gguf");
        TestModelGenerator.write(TestModelSpec.tiny(type).withSeed(3), file);
        GreedyRun ref = GreedyRun.run(file, "reference", 1, Activation.RELU2, kv, PROMPT, STEPS, chunk);
        assertAgrees(ref, GreedyRun.run(file, backend(), threads, Activation.RELU2, kv, PROMPT, STEPS, chunk));
    }

    /**
     * Identical greedy ids, and logits within {@link #TOLERANCE} at every step but at most one isolated step. The
     * exception is BitNet's activation quantisation, not leniency: {@code round(x * 127 / amax)} turns a last-bit
     * difference of x (another summation order in attention) that falls on a rounding tie into a whole int8 step, which
     * moves that step's logits by up to ~0.2 on these random models; the next step, fed the same id, agrees again. A
     * wrong kernel differs at every step. (Seen with the f32 cache on AVX-512: step 10 of 32 off by 0.16. Traced by
     * recording every quantiser input of both backends: the first difference is one value of layer 1's attention
     * output at that position, 7.4984 on the reference and 7.5001 on the CPU backend after scaling, rounded to 7 and 8.)
     */
    private static void assertAgrees(GreedyRun ref, GreedyRun run) {
        assertArrayEquals(ref.ids(), run.ids(), "greedy ids differ");
        double[] steps = run.stepDifferences(ref);
        int over = 0;
        for (int s = 0; s < steps.length; s++) {
            if (steps[s] < TOLERANCE) continue;
            over++;
            boolean isolated = (s == 0 || steps[s - 1] < TOLERANCE) && (s == steps.length - 1 || steps[s + 1] < TOLERANCE);
            assertTrue(isolated && over == 1 && steps[s] < 0.5,
                    "logits differ by " + steps[s] + " at step " + s + " (steps: " + Arrays.toString(steps) + ")");
        }
    }

    @Test
    void int8LmHeadAgrees() {
        Path file = dir.resolve("q8.gguf");
        TestModelGenerator.write(TestModelSpec.tiny(GgmlType.I2_S).withSeed(4), file);
        GreedyRun ref = GreedyRun.run(file, "reference", 1, null, KvType.F16, PROMPT, STEPS, 4, LmHeadType.Q8);
        assertAgrees(ref, GreedyRun.run(file, backend(), 2, null, KvType.F16, PROMPT, STEPS, 4, LmHeadType.Q8));
    }

    @Test
    void mixedStepAgreesWithTheReference() {
        Path model = dir.resolve("m.gguf");
        TestModelGenerator.write(TestModelSpec.tiny(GgmlType.TQ2_0).withSeed(22), model);
        float[][] ref = BatchedStep.mixed(model, "reference", 1), run = BatchedStep.mixed(model, backend(), 2);
        for (int k = 0; k < 3; k++) {
            for (int v = 0; v < ref[k].length; v++) {
                assertEquals(ref[k][v], run[k][v], 1e-3f * Math.max(1f, Math.abs(ref[k][v])), "sequence " + k + " logit " + v);
            }
        }
    }

    /** The public API's greedy generation (argmax picked on the backend) gives the reference's greedy ids. */
    @Test
    void publicApiGreedyGenerationMatchesTheReference() {
        Path file = dir.resolve("api.gguf");
        TestModelGenerator.write(TestModelSpec.tiny(GgmlType.I2_S).withSeed(9), file);
        GreedyRun ref = GreedyRun.run(file, "reference", 1, null, KvType.F16, PROMPT, STEPS, 4);
        try (BitNetModel m = BitNet.load(file, LoadOptions.defaults().withBackend(backend()).withPrefillChunk(4));
             Session s = m.newSession()) {
            GenerationResult r = s.generate(PROMPT, GenerationParams.greedy(STEPS), TokenListener.NONE);
            // generation stops early only at an end-of-turn token, which the reference must have picked there too
            assertTrue(r.ids().length == STEPS || r.stopReason() == dev.bitnet.api.StopReason.END_OF_TURN, r.toString());
            assertArrayEquals(Arrays.copyOf(ref.ids(), r.ids().length), r.ids());
        }
    }

    /**
     * The scheduler on this backend: concurrent requests (more than the places, some sharing a prompt prefix, so that
     * steps mix prompt chunks and decode tokens of several sequences and KV blocks are shared) each get the greedy ids
     * the reference gives them alone.
     */
    @Test
    void schedulerRequestsMatchTheReferenceAlone() throws Exception {
        Path file = dir.resolve("scheduler.gguf");
        TestModelGenerator.write(TestModelSpec.tiny(GgmlType.I2_S).withSeed(12), file);
        int[][] prompts = new int[6][];
        for (int i = 0; i < prompts.length; i++) {
            int length = 3 + 9 * i; // up to 48 tokens: several prefill chunks
            prompts[i] = new int[length];
            for (int j = 0; j < length; j++) prompts[i][j] = i % 2 == 0 ? 1 + (j * 37) % 400 : 1 + (j * 37 + i) % 400; // evens share a prefix
        }
        var params = GenerationParams.greedy(12);
        List<dev.bitnet.scheduler.Generation> running = new ArrayList<>();
        try (BitNetModel m = BitNet.load(file, LoadOptions.defaults().withBackend(backend()).withThreads(2)
                .withPrefillChunk(8).withMaxSequences(3).withContextLength(128));
             var scheduler = new dev.bitnet.scheduler.Scheduler(m)) {
            for (int[] p : prompts) running.add(scheduler.submit(p, params, TokenListener.NONE));
            for (var g : running) g.result().get(120, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(scheduler.stats().cachedPromptTokens() > 0, "the shared prefixes came from the cache");
        }
        try (BitNetModel ref = BitNet.load(file, LoadOptions.defaults().withBackend("reference").withContextLength(128))) {
            for (int i = 0; i < prompts.length; i++) {
                try (Session s = ref.newSession()) {
                    assertArrayEquals(s.generate(prompts[i], params, TokenListener.NONE).ids(), running.get(i).result().get().ids(), "request " + i);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"bitnet-tiny-i2_s.gguf", "bitnet-tiny-tq2_0-block.gguf"})
    void outsideModelsGiveTheOutsideEnginesTokens(String name) {
        var expected = SharedData.referenceExpectations();
        GreedyRun run = GreedyRun.run(SharedData.referenceModel(name), backend(), 2, null, KvType.F32,
                expected.promptIds(), expected.greedySilu().length, 4);
        assertArrayEquals(expected.greedySilu(), run.ids(), Arrays.toString(run.ids()));
    }
}
