package dev.bitnet.backend.cpu;

import dev.bitnet.gguf.GgmlType;
import dev.bitnet.testing.BatchedStep;
import dev.bitnet.testmodel.TestModelGenerator;
import dev.bitnet.testmodel.TestModelSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A mixed multi-sequence step on the CPU backend equals the reference backend's. */
class CpuBatchedForwardTest {
    @Test
    void mixedStepAgreesWithTheReference(@TempDir Path dir) {
        Path model = dir.resolve("m.gguf");
        TestModelGenerator.write(TestModelSpec.tiny(GgmlType.TQ2_0).withSeed(22), model);
        float[][] ref = BatchedStep.mixed(model, "reference", 1), cpu = BatchedStep.mixed(model, "cpu", 2);
        for (int k = 0; k < 3; k++) {
            for (int v = 0; v < ref[k].length; v++) {
                assertEquals(ref[k][v], cpu[k][v], 1e-3f * Math.max(1f, Math.abs(ref[k][v])), "sequence " + k + " logit " + v);
            }
        }
    }
}
