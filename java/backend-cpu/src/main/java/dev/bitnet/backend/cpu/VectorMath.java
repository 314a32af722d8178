package dev.bitnet.backend.cpu;

import dev.bitnet.backend.ScalarMath;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link ScalarMath}'s per-token operations on f32 vectors of the preferred species, with the same results bit for
 * bit: the same roundings in the same order (no fused multiply-adds, RMSNorm's sum of squares in ScalarMath's 16
 * partial sums), sums of integers that are exact in f32. Widths the code cannot match fall back to ScalarMath.
 *
 * <p>Also the two vector operations whose results the Vector API leaves open, written so that they come out the same
 * in every JIT tier: {@link #sum} (reduceLanes(ADD) adds in an unspecified order, and the interpreted and compiled
 * code differ, so a step's attention changed in its last bits with the thread that ran it while C2 warmed up) and
 * {@link #expNonPositive} (lanewise(EXP) is Math.exp interpreted and a different approximation compiled). Measured
 * on 2B4T decode (AVX2 VM, 2 threads): squared ReLU with a branch per element cost ~1.3 ms a token (a mispredicted
 * branch on every other element), the scalar RMSNorm ~0.8 ms and the quantisation ~0.7 ms.
 */
final class VectorMath {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    /** ScalarMath's partial sums line up with whole vectors. */
    private static final boolean LANES_MATCH = ScalarMath.SQUARE_SUM_LANES % L == 0;
    /** 1.5 * 2^23: adding and subtracting it rounds an f32 below 2^22 in magnitude to the nearest integer, ties to even. */
    private static final float ROUNDER = 0x1.8p23f;
    /** Below this many values, a row's quantised sum (at most 128 per value) is exact in f32. */
    private static final int EXACT_SUM_VALUES = 1 << 17;
    /** Bytes and shorts with one lane per f32 lane, or null where no such shape exists (fewer than 8 or 4 lanes). */
    private static final VectorSpecies<Byte> B = L >= 8 ? VectorSpecies.of(byte.class, VectorShape.forBitSize(8 * L)) : null;
    private static final VectorSpecies<Short> S = L >= 4 ? VectorSpecies.of(short.class, VectorShape.forBitSize(16 * L)) : null;

    /** Lane rotations by 8, 4, 2 and 1 (null where the vector has no more lanes than the rotation). */
    private static final VectorShuffle<Float> ROTATE_8 = rotation(8), ROTATE_4 = rotation(4), ROTATE_2 = rotation(2),
            ROTATE_1 = rotation(1);
    // e^x = 2^n e^r with n = round(x log2 e), r = x - n ln 2 (ln 2 in two parts); Cephes' expf polynomial for e^r
    private static final float LOG2E = 1.44269504088896341f, LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    private static final float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f,
            P3 = 4.1665795894e-2f, P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;
    private static final FloatVector EXP_MINUS_LN2_HI = FloatVector.broadcast(F, -LN2_HI),
            EXP_MINUS_LN2_LO = FloatVector.broadcast(F, -LN2_LO);
    private static final FloatVector EXP_P2 = FloatVector.broadcast(F, P2), EXP_P3 = FloatVector.broadcast(F, P3),
            EXP_P4 = FloatVector.broadcast(F, P4), EXP_P5 = FloatVector.broadcast(F, P5);
    /** Below this, e^x is under f32's smallest normal; such inputs are taken as this (softmax weights of ~1e-38). */
    private static final float EXP_FLOOR = -87.3f;

    private VectorMath() {
    }

    private static VectorShuffle<Float> rotation(int by) {
        return L > by ? VectorShuffle.iota(F, by, 1, true) : null;
    }

    /** The sum of v's lanes (v of the preferred species) in one fixed order: a tree of lane-wise adds. */
    static float sum(FloatVector v) {
        if (L > 16) return sumInOrder(v);
        if (L > 8) v = v.add(v.rearrange(ROTATE_8));
        if (L > 4) v = v.add(v.rearrange(ROTATE_4));
        if (L > 2) v = v.add(v.rearrange(ROTATE_2));
        if (L > 1) v = v.add(v.rearrange(ROTATE_1));
        return v.lane(0);
    }

    private static float sumInOrder(FloatVector v) {
        float s = 0f;
        for (int i = 0; i < L; i++) s += v.lane(i);
        return s;
    }

    /**
     * e^x for x <= 0 (a softmax's {@code s - max}), within 2 ulp, from multiplies, adds and fmas only; inputs below
     * -87.3 give e^-87.3. Lane by lane the same as {@link #expNonPositive(float)}.
     */
    static FloatVector expNonPositive(FloatVector x) {
        x = x.max(EXP_FLOOR);
        FloatVector n = x.mul(LOG2E).add(ROUNDER).sub(ROUNDER);
        FloatVector r = n.fma(EXP_MINUS_LN2_LO, n.fma(EXP_MINUS_LN2_HI, x));
        FloatVector p = r.fma(P0, P1).fma(r, EXP_P2).fma(r, EXP_P3).fma(r, EXP_P4).fma(r, EXP_P5);
        FloatVector y = p.fma(r.mul(r), r).add(1f);
        IntVector exponent = ((IntVector) n.convert(VectorOperators.F2I, 0)).add(127).lanewise(VectorOperators.LSHL, 23);
        return y.mul(exponent.reinterpretAsFloats());
    }

    /** {@link #expNonPositive(FloatVector)} of one value. */
    static float expNonPositive(float x) {
        x = Math.max(x, EXP_FLOOR);
        float n = x * LOG2E + ROUNDER - ROUNDER;
        float r = Math.fma(n, -LN2_LO, Math.fma(n, -LN2_HI, x));
        float p = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(r, P0, P1), r, P2), r, P3), r, P4), r, P5);
        float y = Math.fma(p, r * r, r) + 1f;
        return y * Float.intBitsToFloat(((int) n + 127) << 23);
    }

    /** {@link ScalarMath#rmsNorm}; {@code part} is a scratch of {@link ScalarMath#SQUARE_SUM_LANES} floats. */
    static void rmsNorm(float[] x, int xOffset, float[] w, float eps, float[] out, int outOffset, int d, float[] part) {
        if (!LANES_MATCH) {
            ScalarMath.rmsNorm(x, xOffset, w, eps, out, outOffset, d);
            return;
        }
        java.util.Arrays.fill(part, 0f);
        int lanes = ScalarMath.SQUARE_SUM_LANES, c = 0;
        for (; c + lanes <= d; c += lanes) {
            for (int j = 0; j < lanes; j += L) {
                FloatVector v = FloatVector.fromArray(F, x, xOffset + c + j);
                FloatVector.fromArray(F, part, j).add(v.mul(v)).intoArray(part, j);
            }
        }
        float inv = ScalarMath.rmsInverse(ScalarMath.finishSumOfSquares(part, x, xOffset + c, d - c), d, eps);
        int bound = F.loopBound(d);
        for (c = 0; c < bound; c += L) {
            FloatVector.fromArray(F, x, xOffset + c).mul(inv).mul(FloatVector.fromArray(F, w, c)).intoArray(out, outOffset + c);
        }
        for (; c < d; c++) out[outOffset + c] = x[xOffset + c] * inv * w[c];
    }

    /** {@code out = (g > 0 ? g * g : 0) * u}, squared-ReLU gating, over [from, to). */
    static void squaredReluGate(float[] g, float[] u, float[] out, int from, int to) {
        int c = from, bound = from + F.loopBound(to - from);
        for (; c < bound; c += L) {
            FloatVector v = FloatVector.fromArray(F, g, c);
            FloatVector square = FloatVector.zero(F).blend(v.mul(v), v.compare(VectorOperators.GT, 0f));
            square.mul(FloatVector.fromArray(F, u, c)).intoArray(out, c);
        }
        for (; c < to; c++) out[c] = (g[c] > 0 ? g[c] * g[c] : 0f) * u[c];
    }

    /** {@link ScalarMath#quantizeRow}'s scale: {@code 127 / max(max|x|, 1e-5)} over n values. */
    static float quantScale(float[] x, int offset, int n) {
        int c = 0, bound = F.loopBound(n);
        FloatVector m = FloatVector.zero(F);
        for (; c < bound; c += L) m = m.max(FloatVector.fromArray(F, x, offset + c).abs());
        float amax = m.reduceLanes(VectorOperators.MAX);
        for (; c < n; c++) amax = Math.max(amax, Math.abs(x[offset + c]));
        return 127f / Math.max(amax, 1e-5f);
    }

    /**
     * {@link ScalarMath#quantizeRow}'s values {@code clamp(rint(x * s), -128, 127)} as bytes at {@code q[qOffset..]};
     * returns their sum.
     */
    static int quantizeToBytes(float[] x, int offset, int n, float s, byte[] q, int qOffset) {
        return quantize(x, offset, n, s, q, null, qOffset);
    }

    /** {@link #quantizeToBytes} writing shorts. */
    static int quantizeToShorts(float[] x, int offset, int n, float s, short[] q, int qOffset) {
        return quantize(x, offset, n, s, null, q, qOffset);
    }

    /** The quantisation into {@code bytes} or else {@code shorts} (a loop-invariant test that C2 lifts out). */
    private static int quantize(float[] x, int offset, int n, float s, byte[] bytes, short[] shorts, int qOffset) {
        boolean vectors = (bytes != null ? B : S) != null && n < EXACT_SUM_VALUES;
        int c = 0, bound = vectors ? F.loopBound(n) : 0;
        FloatVector sum = FloatVector.zero(F);
        for (; c < bound; c += L) {
            FloatVector r = quantized(FloatVector.fromArray(F, x, offset + c), s);
            sum = sum.add(r);
            if (bytes != null) ((ByteVector) r.convertShape(VectorOperators.F2B, B, 0)).intoArray(bytes, qOffset + c);
            else ((ShortVector) r.convertShape(VectorOperators.F2S, S, 0)).intoArray(shorts, qOffset + c);
        }
        int total = (int) sum.reduceLanes(VectorOperators.ADD); // integers below 2^24: exact in any order
        for (; c < n; c++) {
            int v = quantized(x[offset + c], s);
            if (bytes != null) bytes[qOffset + c] = (byte) v;
            else shorts[qOffset + c] = (short) v;
            total += v;
        }
        return total;
    }

    /** {@code clamp(rint(x * s), -128, 127)} on a vector; |x * s| <= 127 (+ rounding) keeps the rounder exact. */
    private static FloatVector quantized(FloatVector x, float s) {
        return x.mul(s).add(ROUNDER).sub(ROUNDER).max(-128f).min(127f);
    }

    private static int quantized(float x, float s) {
        return (int) Math.clamp(Math.rint(x * s), -128, 127);
    }
}
