package dev.bitnet.backend.cpu;

import dev.bitnet.backend.ScalarMath;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link VectorMath} against {@link ScalarMath} bit for bit (and its lane sum against the fixed tree it promises, its exp
 * against Math.exp), on row lengths around the vector lengths and the model's
 * (2560, 6912), at offsets, with values that stress each step: exact ties for the rounding (x * s = k + 1/2, which must
 * go to the even k), values that clamp, zeros of both signs, rows below the 1e-5 floor, subnormals, infinities and NaN.
 */
class VectorMathTest {
    private static final int[] LENGTHS = {1, 3, 7, 8, 15, 16, 17, 31, 33, 64, 100, 2560, 6912};

    @Test
    void quantisationMatchesScalarMath() {
        SplittableRandom r = new SplittableRandom(5);
        for (int n : LENGTHS) {
            for (int kind = 0; kind < 6; kind++) {
                float[] x = row(r, n + 3, kind);
                int offset = 3;
                short[] expected = new short[n];
                float s = ScalarMath.quantizeRow(x, offset, n, expected);
                assertEquals(s, VectorMath.quantScale(x, offset, n), "scale, n " + n + ", kind " + kind);
                byte[] bytes = new byte[n + 2];
                short[] shorts = new short[n + 2];
                int byteSum = VectorMath.quantizeToBytes(x, offset, n, s, bytes, 2);
                int shortSum = VectorMath.quantizeToShorts(x, offset, n, s, shorts, 2);
                int sum = 0;
                for (int c = 0; c < n; c++) {
                    sum += expected[c];
                    assertEquals(expected[c], bytes[2 + c], "byte " + c + ", n " + n + ", kind " + kind + ", x " + x[offset + c]);
                    assertEquals(expected[c], shorts[2 + c], "short " + c + ", n " + n + ", kind " + kind);
                }
                assertEquals(sum, byteSum, "sum, n " + n + ", kind " + kind);
                assertEquals(sum, shortSum, "sum, n " + n + ", kind " + kind);
            }
        }
    }

    @Test
    void rmsNormAndGateMatchScalarMath() {
        SplittableRandom r = new SplittableRandom(6);
        float[] part = new float[ScalarMath.SQUARE_SUM_LANES];
        for (int n : LENGTHS) {
            for (int kind = 0; kind < 6; kind++) {
                float[] x = row(r, n + 5, kind), w = row(r, n, 0), u = row(r, n + 5, 0);
                float[] expected = new float[n + 1], got = new float[n + 1];
                ScalarMath.rmsNorm(x, 5, w, 1e-5f, expected, 1, n);
                VectorMath.rmsNorm(x, 5, w, 1e-5f, got, 1, n, part);
                assertArrayEquals(expected, got, "rmsNorm, n " + n + ", kind " + kind);
                float[] gate = new float[n + 5], gateExpected = new float[n + 5];
                for (int c = 5; c < n + 5; c++) gateExpected[c] = dev.bitnet.model.Activation.RELU2.apply(x[c]) * u[c];
                VectorMath.squaredReluGate(x, u, gate, 5, n + 5);
                assertArrayEquals(gateExpected, gate, "squared ReLU gate, n " + n + ", kind " + kind);
            }
        }
    }

    @Test
    void sumAddsTheLanesInItsFixedTree() {
        SplittableRandom r = new SplittableRandom(7);
        int lanes = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();
        for (int round = 0; round < 1000; round++) {
            float[] v = new float[lanes];
            for (int i = 0; i < lanes; i++) v[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(-6, 7)));
            float[] tree = v.clone(); // rotate-and-add by L/2, L/4, ..., 1; the total lands in lane 0
            for (int by = lanes / 2; by >= 1 && lanes <= 16; by /= 2) {
                float[] next = new float[lanes];
                for (int i = 0; i < lanes; i++) next[i] = tree[i] + tree[(i + by) % lanes];
                tree = next;
            }
            float expected = tree[0];
            if (lanes > 16) {
                expected = 0f;
                for (float x : v) expected += x;
            }
            float got = VectorMath.sum(jdk.incubator.vector.FloatVector.fromArray(jdk.incubator.vector.FloatVector.SPECIES_PREFERRED, v, 0));
            assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(got), "lanes " + java.util.Arrays.toString(v));
        }
    }

    @Test
    void expIsWithinTwoUlpsAndTheSameOnVectorsAndScalars() {
        SplittableRandom r = new SplittableRandom(8);
        var species = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED;
        float[] x = new float[species.length()], y = new float[species.length()];
        for (int round = 0; round < 20000; round++) {
            for (int i = 0; i < x.length; i++) x[i] = round < 10 ? -i * round * 0.5f : (float) -r.nextDouble(0, 87.3);
            if (round == 0) x[0] = -0f;
            VectorMath.expNonPositive(jdk.incubator.vector.FloatVector.fromArray(species, x, 0)).intoArray(y, 0);
            for (int i = 0; i < x.length; i++) {
                float scalar = VectorMath.expNonPositive(x[i]);
                assertEquals(Float.floatToIntBits(scalar), Float.floatToIntBits(y[i]), "e^" + x[i] + ": vector and scalar");
                double exact = Math.exp(x[i]);
                assertEquals(exact, scalar, 2 * Math.ulp((float) exact), "e^" + x[i]);
            }
        }
        assertEquals(1f, VectorMath.expNonPositive(0f));
        assertEquals(VectorMath.expNonPositive(-87.3f), VectorMath.expNonPositive(-1000f), "clamped far below");
    }

    /** A row of one kind: 0 Gaussian, 1 ties, 2 zeros of both signs, 3 tiny, 4 subnormal and huge, 5 with inf/NaN. */
    private static float[] row(SplittableRandom r, int n, int kind) {
        float[] x = new float[n];
        for (int c = 0; c < n; c++) {
            x[c] = switch (kind) {
                case 0 -> (float) r.nextGaussian();
                case 1 -> (r.nextInt(253) - 126) + 0.5f * (r.nextInt(3) - 1); // with the 127 below: s = 1, x * s = k + 1/2
                case 2 -> r.nextBoolean() ? 0f : -0f;
                case 3 -> (float) (r.nextGaussian() * 1e-7);
                case 4 -> r.nextInt(4) == 0 ? 3e38f * (r.nextBoolean() ? 1 : -1) : Float.MIN_VALUE * r.nextInt(100);
                default -> r.nextInt(50) == 0 ? (r.nextBoolean() ? Float.POSITIVE_INFINITY : Float.NaN) : (float) r.nextGaussian();
            };
        }
        if (kind == 1) x[n - 1] = 127f; // the last value is always in the tested range
        if (kind == 5 && n > 2) x[n / 2] = Float.NEGATIVE_INFINITY;
        return x;
    }
}
