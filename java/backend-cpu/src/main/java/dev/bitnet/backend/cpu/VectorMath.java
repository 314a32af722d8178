package dev.bitnet.backend.cpu;

import dev.bitnet.backend.ScalarMath;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link ScalarMath}'s per-token operations on f32 vectors of the preferred species, with the same results bit for
 * bit: the same roundings in the same order (no fused multiply-adds, RMSNorm's sum of squares in ScalarMath's 16
 * partial sums), sums of integers that are exact in f32. Widths the code cannot match fall back to ScalarMath. Measured
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

    private VectorMath() {
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
        int c = 0, bound = B == null || n >= EXACT_SUM_VALUES ? 0 : F.loopBound(n);
        FloatVector sum = FloatVector.zero(F);
        for (; c < bound; c += L) {
            FloatVector r = quantized(FloatVector.fromArray(F, x, offset + c), s);
            sum = sum.add(r);
            ((ByteVector) r.convertShape(VectorOperators.F2B, B, 0)).intoArray(q, qOffset + c);
        }
        int total = (int) sum.reduceLanes(VectorOperators.ADD);
        for (; c < n; c++) total += q[qOffset + c] = (byte) quantized(x[offset + c], s);
        return total;
    }

    /** {@link #quantizeToBytes} writing shorts. */
    static int quantizeToShorts(float[] x, int offset, int n, float s, short[] q, int qOffset) {
        int c = 0, bound = S == null || n >= EXACT_SUM_VALUES ? 0 : F.loopBound(n);
        FloatVector sum = FloatVector.zero(F);
        for (; c < bound; c += L) {
            FloatVector r = quantized(FloatVector.fromArray(F, x, offset + c), s);
            sum = sum.add(r);
            ((ShortVector) r.convertShape(VectorOperators.F2S, S, 0)).intoArray(q, qOffset + c);
        }
        int total = (int) sum.reduceLanes(VectorOperators.ADD);
        for (; c < n; c++) total += q[qOffset + c] = (short) quantized(x[offset + c], s);
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
