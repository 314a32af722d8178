package dev.bitnet.backend.cpu;

import dev.bitnet.backend.KvType;
import dev.bitnet.gguf.GgmlType;
import dev.bitnet.model.Activation;
import dev.bitnet.testing.GreedyRun;
import dev.bitnet.testmodel.TestModelGenerator;
import dev.bitnet.testmodel.TestModelSpec;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * A CPU backend gives the same logits bit for bit whatever the thread count and however often it runs: the work is
 * split differently over 1-3 threads, the first run of a JVM goes through the interpreter and C1 while later ones run
 * C2 code, and none of it may change a result (float sums of vector lanes in a fixed order, an exp without
 * tier-dependent approximations). A multi-token prompt, so prefill attention is split over the workers too.
 */
class CpuDeterminismTest {
    @ParameterizedTest
    @ValueSource(strings = {"cpu", "cpu-native"})
    void logitsDoNotDependOnThreadsOrRuns(String backend, @org.junit.jupiter.api.io.TempDir Path dir) {
        Assumptions.assumeTrue(!backend.equals("cpu-native") || LibBitnetCpu.unavailableReason() == null,
                () -> "libbitnet_cpu: " + LibBitnetCpu.unavailableReason());
        Path file = dir.resolve("tiny.gguf");
        TestModelGenerator.write(TestModelSpec.tiny(GgmlType.I2_S).withSeed(11), file);
        int[] prompt = new SplittableRandom(4).ints(120, 0, 512).toArray();
        GreedyRun first = GreedyRun.run(file, backend, 2, Activation.RELU2, KvType.F16, prompt, 24, 40);
        for (int threads : new int[]{1, 3, 2, 2}) {
            GreedyRun again = GreedyRun.run(file, backend, threads, Activation.RELU2, KvType.F16, prompt, 24, 40);
            assertArrayEquals(first.ids(), again.ids(), backend + ", " + threads + " threads");
            for (int s = 0; s < first.logits().size(); s++) {
                assertArrayEquals(first.logits().get(s), again.logits().get(s), backend + ", " + threads + " threads, step " + s);
            }
        }
    }
}
