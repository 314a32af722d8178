package dev.bitnet.model;

import dev.bitnet.gguf.GgmlType;
import dev.bitnet.testing.BatchedStep;
import dev.bitnet.testmodel.TestModelGenerator;
import dev.bitnet.testmodel.TestModelSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A step mixing prefill and decode tokens of three sequences equals running each sequence alone. */
class BatchedForwardTest {
    @Test
    void mixedStepEqualsSeparateRuns(@TempDir Path dir) {
        Path model = dir.resolve("m.gguf");
        TestModelGenerator.write(TestModelSpec.tiny(GgmlType.I2_S).withSeed(21), model);
        float[][] mixed = BatchedStep.mixed(model, "reference", 1), alone = BatchedStep.separate(model, "reference", 1);
        for (int k = 0; k < 3; k++) {
            for (int v = 0; v < alone[k].length; v++) {
                assertEquals(alone[k][v], mixed[k][v], 1e-4f * Math.max(1f, Math.abs(alone[k][v])), "sequence " + k + " logit " + v);
            }
        }
    }
}
