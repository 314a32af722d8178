package dev.bitnet.backend.cpu;

import dev.bitnet.quant.F16Matrix;
import dev.bitnet.quant.Int8RowMatrix;
import dev.bitnet.quant.TernaryMatrix;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * libbitnet_cpu's kernels, every kernel set this CPU runs, against the Vector API kernels (ternary rows: bit-exact,
 * both compute the same int32 sum and the same float expression) and double-precision dot products (LM heads): odd
 * shapes, row ranges that start inside the matrix, token counts around the kernels' 4-token tile, extreme values.
 */
class NativeKernelsTest {
    @BeforeAll
    static void requireLibrary() {
        NativeAvailability.assume();
    }

    private static TernaryMatrix random(int rows, int cols, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        byte[] t = new byte[rows * cols];
        for (int i = 0; i < t.length; i++) t[i] = (byte) (rnd.nextInt(3) - 1);
        return new TernaryMatrix("w", rows, cols, t, 0.75f);
    }

    /** The ternary rows [from, rows) of both kernels for the given activations; asserts they are identical. */
    private static void compareTernary(LibBitnetCpu.Isa isa, TernaryMatrix m, float[] x, int tokens, int from) {
        VectorKernels vector = new VectorKernels();
        try (NativeKernels nat = new NativeKernels(isa)) {
            var pv = vector.packTernary(m);
            var pn = nat.packTernary(m);
            float[] expected = new float[tokens * m.rows()], actual = new float[tokens * m.rows()];
            vector.quantize(x, tokens, pv);
            vector.ternaryRows(pv, from, m.rows(), tokens, expected);
            nat.quantize(x, tokens, pn);
            nat.ternaryRows(pn, from, m.rows(), tokens, actual);
            assertEquals(Arrays.toString(expected), Arrays.toString(actual),
                    isa.label + " " + m.rows() + "x" + m.cols() + ", " + tokens + " tokens, rows from " + from);
        }
    }

    @Test
    void everyKernelSetIsOffered() {
        assertFalse(LibBitnetCpu.supported().isEmpty());
        assertEquals(LibBitnetCpu.Isa.PLAIN_C, LibBitnetCpu.supported().getLast());
    }

    @Test
    void javaAndTheLibraryNumberTheKernelSetsAlike() {
        for (LibBitnetCpu.Isa isa : LibBitnetCpu.supported()) assertEquals(isa.label, LibBitnetCpu.isaName(isa), isa.name());
    }

    @Test
    void ternaryRowsMatchTheVectorKernelBitForBit() {
        int[][] shapes = {{3, 128}, {5, 256}, {7, 384}, {4, 1152}, {2, 100}, {9, 2560}, {3, 6912}, {1, 1}, {3, 8200}};
        SplittableRandom rnd = new SplittableRandom(1);
        for (LibBitnetCpu.Isa isa : LibBitnetCpu.supported()) {
            for (int[] s : shapes) {
                for (int tokens : new int[]{1, 2, 3, 4, 5, 6, 7, 8, 9, 17}) {
                    float[] x = new float[tokens * s[1]];
                    for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
                    compareTernary(isa, random(s[0], s[1], s[0] * 31L + s[1]), x, tokens, s[0] > 2 ? 1 : 0);
                }
            }
        }
    }

    @Test
    void extremeActivationsDoNotOverflow() {
        for (LibBitnetCpu.Isa isa : LibBitnetCpu.supported()) {
            for (int cols : new int[]{6912, 40000}) {
                int rows = 5; // a whole group of four rows and one more: rows of +1 and of -1 alternating
                byte[] plus = new byte[rows * cols];
                for (int r = 0; r < rows; r++) Arrays.fill(plus, r * cols, (r + 1) * cols, (byte) (r % 2 == 0 ? 1 : -1));
                for (float value : new float[]{1f, -1f}) {
                    float[] x = new float[cols];
                    Arrays.fill(x, value); // quantises to +-127 everywhere
                    compareTernary(isa, new TernaryMatrix("pm", rows, cols, plus, 1f), x, 1, 0);
                }
            }
        }
    }

    @Test
    void lmHeadsMatchADoublePrecisionDotProduct() {
        SplittableRandom r = new SplittableRandom(9);
        for (LibBitnetCpu.Isa isa : LibBitnetCpu.supported()) {
            for (int d : new int[]{64, 2560, 2570, 7}) {
                int vocab = 37, n = 3;
                short[] h = new short[vocab * d];
                byte[] q8 = new byte[vocab * d];
                float[] scales = new float[vocab];
                for (int i = 0; i < h.length; i++) {
                    h[i] = i % 5 == 0 ? (short) r.nextInt(0x0400) : Float.floatToFloat16((float) r.nextGaussian());
                    q8[i] = (byte) (r.nextInt(255) - 127);
                }
                for (int v = 0; v < vocab; v++) scales[v] = (float) r.nextDouble(0.001, 0.1);
                F16Matrix e = new F16Matrix(vocab, d, MemorySegment.ofArray(h));
                Int8RowMatrix m = new Int8RowMatrix(vocab, d, q8, scales);
                float[] x = new float[(n + 1) * d];
                for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
                int[] rows = {2, 0, 3};
                try (NativeKernels k = new NativeKernels(isa)) {
                    for (var head : new dev.bitnet.backend.Tensor[]{new CpuTensors.Embedding(e), new CpuTensors.Int8Head(m)}) {
                        float[] out = new float[n * vocab];
                        k.prepareHead(x, rows, head);
                        k.headRows(head, 1, vocab, out);
                        for (int j = 0; j < n; j++) {
                            for (int v = 1; v < vocab; v++) {
                                double exact = 0, scale = 0;
                                for (int c = 0; c < d; c++) {
                                    double w = head instanceof CpuTensors.Embedding ? e.get(v, c) : q8[v * d + c] * (double) scales[v];
                                    exact += w * x[rows[j] * d + c];
                                    scale += Math.abs(w * x[rows[j] * d + c]);
                                }
                                assertEquals(exact, out[j * vocab + v], 1e-5 * scale + 1e-30, isa.label + " d=" + d + " " + head);
                            }
                            assertEquals(0f, out[j * vocab], "row 0 is outside the range and stays untouched");
                        }
                    }
                }
            }
        }
    }

    /**
     * A token's logits are the same bits whether it is alone in its step or one of several (a batched decode: the
     * kernels take rows and tokens in tiles of several sizes), and whatever row range a worker gets.
     */
    @Test
    void lmHeadRowsDependNeitherOnTheOtherTokensNorOnTheRowRange() {
        SplittableRandom r = new SplittableRandom(5);
        int vocab = 77; // two and a bit blocks of 32 rows
        for (LibBitnetCpu.Isa isa : LibBitnetCpu.supported()) {
            for (int d : new int[]{2560, 2570, 7}) {
                short[] h = new short[vocab * d];
                byte[] q8 = new byte[vocab * d];
                float[] scales = new float[vocab];
                for (int i = 0; i < h.length; i++) {
                    h[i] = Float.floatToFloat16((float) r.nextGaussian());
                    q8[i] = (byte) (r.nextInt(255) - 127);
                }
                for (int v = 0; v < vocab; v++) scales[v] = (float) r.nextDouble(0.001, 0.1);
                var heads = new dev.bitnet.backend.Tensor[]{new CpuTensors.Embedding(new F16Matrix(vocab, d, MemorySegment.ofArray(h))),
                        new CpuTensors.Int8Head(new Int8RowMatrix(vocab, d, q8, scales))};
                int most = 9;
                float[] x = new float[most * d];
                for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
                try (NativeKernels k = new NativeKernels(isa)) {
                    for (var head : heads) {
                        float[][] alone = new float[most][vocab];
                        for (int t = 0; t < most; t++) {
                            k.prepareHead(x, new int[]{t}, head);
                            k.headRows(head, 0, vocab, alone[t]);
                        }
                        for (int n = 2; n <= most; n++) {
                            int[] rows = new int[n];
                            for (int t = 0; t < n; t++) rows[t] = t;
                            float[] together = new float[n * vocab];
                            k.prepareHead(x, rows, head);
                            int cut = 1 + r.nextInt(vocab - 1); // two workers' ranges
                            k.headRows(head, 0, cut, together);
                            k.headRows(head, cut, vocab, together);
                            for (int t = 0; t < n; t++) {
                                assertEquals(Arrays.toString(alone[t]), Arrays.toString(Arrays.copyOfRange(together, t * vocab, (t + 1) * vocab)),
                                        isa.label + " " + head.getClass().getSimpleName() + " d=" + d + ": token " + t + " of " + n + ", rows cut at " + cut);
                            }
                        }
                    }
                }
            }
        }
    }
}
