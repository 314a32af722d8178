package dev.bitnet.model;

import dev.bitnet.backend.KvType;
import dev.bitnet.testing.GreedyRun;
import dev.bitnet.testing.SharedData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The whole forward pass on the reference backend against an outside engine: two tiny models written by bitnet.cpp's
 * and a ggml-compatible quantiser, and the greedy continuations bitnet.cpp / llama.cpp produced for them
 * (shared/reference-models/README.md).
 */
class ReferenceModelsTest {
    private static final String[] FILES = {"bitnet-tiny-i2_s.gguf", "bitnet-tiny-tq2_0-block.gguf"};

    @ParameterizedTest
    @ValueSource(strings = {"bitnet-tiny-i2_s.gguf", "bitnet-tiny-tq2_0-block.gguf"})
    void siluGreedyMatchesOutsideEngineWithF32Cache(String file) {
        var expected = SharedData.referenceExpectations();
        GreedyRun run = GreedyRun.run(SharedData.referenceModel(file), "reference", 1, null, KvType.F32,
                expected.promptIds(), expected.greedySilu().length, 4);
        assertArrayEquals(expected.greedySilu(), run.ids(), file + ": " + Arrays.toString(run.ids()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"bitnet-tiny-i2_s.gguf", "bitnet-tiny-tq2_0-block.gguf"})
    void siluGreedyWithF16CacheMatchesBeforeTheFirstNearTie(String file) {
        var expected = SharedData.referenceExpectations();
        int firstTie = firstNearTie(expected.marginsSilu());
        GreedyRun run = GreedyRun.run(SharedData.referenceModel(file), "reference", 1, null, KvType.F16,
                expected.promptIds(), firstTie, 1);
        assertArrayEquals(Arrays.copyOf(expected.greedySilu(), firstTie), run.ids());
    }

    @ParameterizedTest
    @ValueSource(strings = {"bitnet-tiny-i2_s.gguf", "bitnet-tiny-tq2_0-block.gguf"})
    void relu2GreedyMatchesPatchedLlamaCpp(String file) {
        var expected = SharedData.referenceExpectations();
        GreedyRun run = GreedyRun.run(SharedData.referenceModel(file), "reference", 1, Activation.RELU2, KvType.F32,
                expected.promptIds(), expected.greedyRelu2().length, 16);
        assertArrayEquals(expected.greedyRelu2(), run.ids(), file + ": " + Arrays.toString(run.ids()));
    }

    /** Steps whose top-1 margin is below 0.1 may legitimately flip under other float rounding. */
    private static int firstNearTie(double[] margins) {
        for (int i = 0; i < margins.length; i++) if (margins[i] < 0.1) return i;
        return margins.length;
    }
}
