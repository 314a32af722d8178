package dev.bitnet.backend.cpu;

import dev.bitnet.quant.TernaryMatrix;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The packed ternary dot product against a plain loop: exact, for odd shapes and the extreme values. */
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
    void extremesDoNotOverflow() {
        for (int cols : new int[]{6912, 16384, 40000}) {
            byte[] plus = new byte[cols], minus = new byte[cols];
            java.util.Arrays.fill(plus, (byte) 1);
            java.util.Arrays.fill(minus, (byte) -1);
            for (short value : new short[]{127, -127, -128}) {
                short[] q = new short[cols];
                java.util.Arrays.fill(q, value);
                check(new TernaryMatrix("plus", 1, cols, plus, 1f), q);
                check(new TernaryMatrix("minus", 1, cols, minus, 1f), q);
            }
        }
    }
}
