package dev.bitnet.model;

import dev.bitnet.backend.KvType;
import dev.bitnet.gguf.GgmlType;
import dev.bitnet.testing.GreedyRun;
import dev.bitnet.testmodel.TestModelGenerator;
import dev.bitnet.testmodel.TestModelSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The same random ternary weights written as I2_S, TQ2_0 (scale in the blocks or in .scale tensors) and TQ1_0. */
class FormatEquivalenceTest {
    @TempDir
    Path dir;

    @Test
    void everyTernaryLayoutGivesTheSameGreedyTokensAndLogits() {
        int[] prompt = {1, 2, 3, 250, 17, 99, 400};
        GreedyRun i2s = run(TestModelSpec.tiny(GgmlType.I2_S), "i2s");
        for (TestModelSpec spec : new TestModelSpec[]{
                TestModelSpec.tiny(GgmlType.TQ2_0),
                TestModelSpec.tiny(GgmlType.TQ2_0).withSeparateScales(true),
                TestModelSpec.tiny(GgmlType.TQ1_0)}) {
            GreedyRun other = run(spec, spec.weightType() + (spec.separateScales() ? "-scales" : ""));
            assertArrayEquals(i2s.ids(), other.ids(), spec.weightType().name());
            assertEquals(0.0, other.maxRelativeDifference(i2s), 0.0, spec.weightType() + ": logits differ");
        }
    }

    private GreedyRun run(TestModelSpec spec, String name) {
        Path file = dir.resolve(name + ".gguf");
        TestModelGenerator.write(spec.withSeed(7), file);
        // architectures differ between the presets (bitnet-b1.58 vs bitnet): pin the activation
        return GreedyRun.run(file, "reference", 1, Activation.RELU2, KvType.F32, new int[]{1, 2, 3, 250, 17, 99, 400}, 32, 4);
    }
}
