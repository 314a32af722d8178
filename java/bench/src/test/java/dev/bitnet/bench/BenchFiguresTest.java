package dev.bitnet.bench;

import dev.bitnet.model.Activation;
import dev.bitnet.model.ModelConfig;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class BenchFiguresTest {
    @Test
    void bytesPerTokenOf2b4tMatchTheModelCard() {
        // facts file: 2.08 B ternary parameters (~0.52 GB at 2 bits) + 0.66 GB f16 embedding = about 1.18 GB per token
        ModelConfig c = new ModelConfig("bitnet-b1.58", 2560, 30, 20, 5, 128, 6912, 128256, 4096, 500000f, 1e-5f, Activation.RELU2);
        long bytes = BenchRunner.bytesPerDecodedToken(c, dev.bitnet.model.LmHeadType.F16);
        assertEquals(1.18e9, bytes, 0.01e9);
        long ternaryParams = (bytes - 128256L * 2560 * 2) * 4;
        assertEquals(2.08e9, ternaryParams, 0.01e9);
    }

    @Test
    void statsOfRepetitions() {
        Stats s = Stats.of(new double[]{3, 1, 2, 10});
        assertEquals(2.5, s.median());
        assertEquals(1, s.min());
        assertEquals(10, s.max());
        assertEquals(180.0, s.spreadPercent(), 1e-9);
        assertEquals(2, Stats.of(new double[]{2}).median());
    }

    @Test
    void bandwidthProbeReadsSomething() {
        double bytesPerSecond = MemoryBandwidth.measure(1, 64L << 20, 2);
        assertTrue(bytesPerSecond > 1e8 && bytesPerSecond < 1e13, "implausible bandwidth " + bytesPerSecond);
    }
}
