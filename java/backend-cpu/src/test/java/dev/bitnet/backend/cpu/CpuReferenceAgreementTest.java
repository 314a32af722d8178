package dev.bitnet.backend.cpu;

import dev.bitnet.backend.KvType;
import dev.bitnet.gguf.GgmlType;
import dev.bitnet.model.Activation;
import dev.bitnet.model.LmHeadType;
import dev.bitnet.testing.GreedyRun;
import dev.bitnet.testing.SharedData;
import dev.bitnet.testmodel.TestModelGenerator;
import dev.bitnet.testmodel.TestModelSpec;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CPU backend against the reference backend (the oracle) over whole models: greedy ids and logits. */
class CpuReferenceAgreementTest {
    private static final int STEPS = 32;
    private static final double TOLERANCE = 1e-3;
    private static final int[] PROMPT = {5, 17, 300, 42, 99, 7, 256, 311, 64};

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}, {1} threads, prefill chunk {2}, {3} cache")
    @CsvSource({"I2_S, 1, 1, F16", "I2_S, 2, 4, F16", "I2_S, 3, 16, F32", "TQ2_0, 2, 4, F16", "TQ1_0, 2, 8, F32"})
    void generatedModelsAgree(GgmlType type, int threads, int chunk, KvType kv) {
        Path file = dir.resolve(type + ".gguf");
        TestModelGenerator.write(TestModelSpec.tiny(type).withSeed(3), file);
        GreedyRun ref = GreedyRun.run(file, "reference", 1, Activation.RELU2, kv, PROMPT, STEPS, chunk);
        GreedyRun cpu = GreedyRun.run(file, "cpu", threads, Activation.RELU2, kv, PROMPT, STEPS, chunk);
        assertArrayEquals(ref.ids(), cpu.ids(), "greedy ids differ");
        double diff = cpu.maxRelativeDifference(ref);
        assertTrue(diff < TOLERANCE, "logits differ by " + diff);
    }

    @org.junit.jupiter.api.Test
    void int8LmHeadAgrees() {
        Path file = dir.resolve("q8.gguf");
        TestModelGenerator.write(TestModelSpec.tiny(GgmlType.I2_S).withSeed(4), file);
        GreedyRun ref = GreedyRun.run(file, "reference", 1, null, KvType.F16, PROMPT, STEPS, 4, LmHeadType.Q8);
        GreedyRun cpu = GreedyRun.run(file, "cpu", 2, null, KvType.F16, PROMPT, STEPS, 4, LmHeadType.Q8);
        assertArrayEquals(ref.ids(), cpu.ids(), "greedy ids differ");
        double diff = cpu.maxRelativeDifference(ref);
        assertTrue(diff < TOLERANCE, "logits differ by " + diff);
    }

    @ParameterizedTest
    @ValueSource(strings = {"bitnet-tiny-i2_s.gguf", "bitnet-tiny-tq2_0-block.gguf"})
    void outsideModelsGiveTheOutsideEnginesTokens(String name) {
        var expected = SharedData.referenceExpectations();
        GreedyRun cpu = GreedyRun.run(SharedData.referenceModel(name), "cpu", 2, null, KvType.F32,
                expected.promptIds(), expected.greedySilu().length, 4);
        assertArrayEquals(expected.greedySilu(), cpu.ids(), Arrays.toString(cpu.ids()));
    }
}
