package dev.bitnet.backend.cpu;

import dev.bitnet.quant.TernaryMatrix;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The packed ternary dot products against a plain loop: exact, for odd shapes and the extreme values; the four-token
 * {@code dot4} with the same float expression as the backend writes from {@code dot}, so bit for bit the same.
 */
class TernaryKernelTest {
    private static int plainDot(TernaryMatrix m, int row, short[] q) {
        int sum = 0;
        for (int c = 0; c < m.cols(); c++) sum += m.trit(row, c) * q[c];
        return sum;
    }

    private static void check(TernaryMatrix m, short[] q) {
        PackedTernary p = TernaryKernel.pack(m);
        short[] padded = java.util.Arrays.copyOf(q, p.paddedCols());
        int qSum = 0;
        for (short v : q) qSum += v;
        for (int r = 0; r < m.rows(); r++) assertEquals(plainDot(m, r, q), TernaryKernel.dot(p, r, padded, qSum), "row " + r);
    }

    /**
     * dot4 for tokens t..t+3 of {@code q} (six tokens, so both the first and a later tile are taken) against the plain
     * sums, and against dot's float expression bit for bit.
     */
    private static void checkFour(TernaryMatrix m, short[][] q, float[] qScale) {
        PackedTernary p = TernaryKernel.pack(m);
        int tokens = q.length, rows = m.rows();
        short[][] padded = new short[tokens][];
        int[] qSum = new int[tokens];
        for (int k = 0; k < tokens; k++) {
            padded[k] = java.util.Arrays.copyOf(q[k], p.paddedCols());
            for (short v : q[k]) qSum[k] += v;
        }
        for (int t = 0; t + 4 <= tokens; t += 2) {
            float[] out = new float[tokens * rows];
            for (int r = 0; r < rows; r++) TernaryKernel.dot4(p, r, padded, qSum, qScale, t, out, rows);
            for (int k = t; k < t + 4; k++) {
                for (int r = 0; r < rows; r++) {
                    float expected = TernaryKernel.dot(p, r, padded[k], qSum[k]) * p.scale() / qScale[k];
                    assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(out[k * rows + r]),
                            "token " + k + ", row " + r + ": " + expected + " vs " + out[k * rows + r]);
                    if (qScale[k] == 1f) { // then the float is the sum times the scale (a power of two): exact
                        assertEquals(plainDot(m, r, q[k]), (int) (out[k * rows + r] / p.scale()), "token " + k + ", row " + r);
                    }
                }
            }
        }
    }

    private static TernaryMatrix random(int rows, int cols, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        byte[] t = new byte[rows * cols];
        for (int i = 0; i < t.length; i++) t[i] = (byte) (rnd.nextInt(3) - 1);
        return new TernaryMatrix("w", rows, cols, t, 1f);
    }

    @Test
    void randomWeightsAndActivationsInOddShapes() {
        int[][] shapes = {{3, 128}, {5, 256}, {7, 384}, {4, 1152}, {2, 100}, {3, 2560}, {2, 6912}, {1, 1}, {3, 8200}};
        SplittableRandom rnd = new SplittableRandom(1);
        for (int[] s : shapes) {
            short[] q = new short[s[1]];
            for (int i = 0; i < q.length; i++) q[i] = (short) (rnd.nextInt(255) - 127);
            check(random(s[0], s[1], s[0] * 31L + s[1]), q);
        }
    }

    @Test
    void fourTokensAtOnceInOddShapes() {
        int[][] shapes = {{3, 128}, {5, 256}, {4, 1152}, {2, 100}, {3, 2560}, {2, 6912}, {1, 1}, {3, 8200}};
        SplittableRandom rnd = new SplittableRandom(2);
        for (int[] s : shapes) {
            short[][] q = new short[6][s[1]];
            float[] qScale = new float[6];
            for (int k = 0; k < 6; k++) {
                for (int i = 0; i < s[1]; i++) q[k][i] = (short) (rnd.nextInt(255) - 127);
                qScale[k] = k % 2 == 0 ? 1f : 0.37f + k; // 1: the float gives the exact integer sum back
            }
            checkFour(new TernaryMatrix("w", s[0], s[1], random(s[0], s[1], s[0] * 17L + s[1]).trits(), 0.5f), q, qScale);
        }
    }

    /** All weights +1 or all -1 against activations all at an extreme: the largest sums, one token and four. */
    @Test
    void extremesDoNotOverflow() {
        short[] values = {127, -127, -128, -128, 127, 5};
        for (int cols : new int[]{6912, 16384, 40000}) {
            byte[] plus = new byte[cols], minus = new byte[cols];
            java.util.Arrays.fill(plus, (byte) 1);
            java.util.Arrays.fill(minus, (byte) -1);
            short[][] q = new short[values.length][cols];
            for (int k = 0; k < values.length; k++) java.util.Arrays.fill(q[k], values[k]);
            float[] qScale = new float[values.length];
            java.util.Arrays.fill(qScale, 1f);
            for (TernaryMatrix m : new TernaryMatrix[]{new TernaryMatrix("plus", 1, cols, plus, 1f),
                    new TernaryMatrix("minus", 1, cols, minus, 1f)}) {
                for (int k = 0; k < 3; k++) check(m, q[k]);
                checkFour(m, q, qScale);
            }
        }
    }
}
