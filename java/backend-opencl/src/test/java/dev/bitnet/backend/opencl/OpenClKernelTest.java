package dev.bitnet.backend.opencl;

import dev.bitnet.backend.ForwardBatch;
import dev.bitnet.backend.ScalarMath;
import dev.bitnet.backend.Tensor;
import dev.bitnet.quant.F16Matrix;
import dev.bitnet.quant.Int8RowMatrix;
import dev.bitnet.quant.TernaryMatrix;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Single kernels on shapes that are not multiples of the kernels' tiles (16 columns per weight word, 8 tokens per
 * tile, power-of-two work-groups), against values computed here from the published formulas.
 */
class OpenClKernelTest {
    private static OpenClBackend cpuLayout, gpuLayout, backend;

    /** The device's own row layout, and the GPU one (32 work-items per row) forced on the same device. */
    @BeforeAll
    static void open() {
        OpenClAvailability.assume();
        ClDevice device = ClDevices.select("");
        cpuLayout = new OpenClBackend(device, 1);
        gpuLayout = new OpenClBackend(device, 32);
    }

    @AfterAll
    static void close() {
        for (OpenClBackend b : new OpenClBackend[]{cpuLayout, gpuLayout}) if (b != null) b.close();
    }

    private static void use(int rowThreads) {
        backend = rowThreads == 1 ? cpuLayout : gpuLayout;
    }

    private static void step(int tokens) {
        int[] ids = new int[tokens], pos = new int[tokens], seq = new int[tokens];
        for (int i = 0; i < tokens; i++) pos[i] = i;
        int[] logitRows = new int[tokens];
        for (int i = 0; i < tokens; i++) logitRows[i] = i;
        backend.beginStep(new ForwardBatch(ids, pos, seq, new int[][]{new int[tokens / 16 + 1]}, logitRows, 16));
    }

    /** Exact BitLinear: every output equals (Σ t·q) · scale / s computed in Java, bit for bit. */
    @ParameterizedTest(name = "{0} x {1}, {2} tokens, {3} work-items per row")
    @CsvSource({"37, 100, 11, 1", "37, 100, 11, 32", "1, 1, 1, 1", "1, 1, 1, 32", "5, 16, 8, 32", "3, 17, 9, 1",
            "130, 2560, 3, 32", "2, 300, 17, 1", "65, 40, 2, 1"})
    void ternaryMatmulIsExact(int rows, int cols, int tokens, int rowThreads) {
        use(rowThreads);
        SplittableRandom rnd = new SplittableRandom(rows * 31L + cols);
        byte[] trits = new byte[rows * cols];
        for (int i = 0; i < trits.length; i++) trits[i] = (byte) (rnd.nextInt(3) - 1);
        float scale = 0.75f + rnd.nextFloat();
        float[] x = new float[tokens * cols];
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian() * (i % 7 == 0 ? 40 : 1);
        if (tokens > 1) java.util.Arrays.fill(x, 0, cols, -3f); // a row of equal values: every q = -127

        Tensor w = backend.loadTernary(new TernaryMatrix("w", rows, cols, trits, scale));
        Tensor in = backend.allocActivations(tokens, cols), out = backend.allocActivations(tokens, rows);
        backend.write(in, x);
        step(tokens);
        backend.bitLinear(in, w, out);
        float[] got = backend.read(out, tokens * rows);

        float[] expected = new float[tokens * rows];
        short[] q = new short[cols];
        for (int i = 0; i < tokens; i++) {
            float s = ScalarMath.quantizeRow(x, i * cols, cols, q);
            for (int r = 0; r < rows; r++) {
                int acc = 0;
                for (int c = 0; c < cols; c++) acc += trits[r * cols + c] * q[c];
                expected[i * rows + r] = acc * scale / s;
            }
        }
        assertArrayEquals(expected, got);
        for (Tensor t : new Tensor[]{w, in, out}) backend.free(t);
    }

    @ParameterizedTest(name = "{0} work-items per row")
    @org.junit.jupiter.params.provider.ValueSource(ints = {1, 32})
    void lmHeadsAndArgmaxOnOddShapes(int rowThreads) {
        use(rowThreads);
        int vocab = 1001, cols = 70, tokens = 3;
        SplittableRandom rnd = new SplittableRandom(5);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment halves = arena.allocate(2L * vocab * cols);
            for (long i = 0; i < (long) vocab * cols; i++) {
                halves.set(F16Matrix.F16, 2 * i, Float.floatToFloat16((float) rnd.nextGaussian()));
            }
            F16Matrix e = new F16Matrix(vocab, cols, halves);
            Int8RowMatrix q8 = Int8RowMatrix.quantize(e);
            float[] x = new float[tokens * cols];
            for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
            Tensor in = backend.allocActivations(tokens, cols);
            backend.write(in, x);
            step(tokens);
            for (Tensor head : new Tensor[]{backend.loadEmbedding(e), backend.loadLmHead(q8)}) {
                float[] logits = new float[tokens * vocab];
                backend.logits(in, head, logits);
                int[] ids = new int[tokens];
                backend.greedy(in, head, ids);
                for (int k = 0; k < tokens; k++) {
                    for (int v = 0; v < vocab; v++) {
                        double dot = 0;
                        for (int c = 0; c < cols; c++) {
                            double wv = head instanceof ClTensors.Halfs ? e.get(v, c) : q8.q()[v * cols + c] * (double) q8.scales()[v];
                            dot += x[k * cols + c] * wv;
                        }
                        assertEquals(dot, logits[k * vocab + v], 1e-4 * Math.max(1, Math.abs(dot)), "row " + k + " logit " + v);
                    }
                    assertEquals(ScalarMath.argmax(logits, k * vocab, vocab), ids[k], "greedy id of row " + k);
                }
                backend.free(head);
            }
            backend.free(in);
        }
    }

    @Test
    void deviceMemoryIsCountedAndReleased() {
        use(1);
        long before = backend.deviceMemoryBytes();
        Tensor t = backend.allocActivations(10, 1000);
        assertEquals(before + 40_000, backend.deviceMemoryBytes());
        backend.free(t);
        assertEquals(before, backend.deviceMemoryBytes());
    }
}
