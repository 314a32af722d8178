package dev.bitnet.backend;

/**
 * The element-wise arithmetic of the BitNet forward pass, written once: the reference backend is built from these,
 * and a backend that calls them for its cheap operations agrees with the reference bit for bit there.
 */
public final class ScalarMath {
    private ScalarMath() {
    }

    /**
     * Partial sums in {@link #sumOfSquares}: a multiple of every vector length up to 512-bit f32 vectors, so a vector
     * backend keeps the same partial sums in its lanes and gets the same result bit for bit.
     */
    public static final int SQUARE_SUM_LANES = 16;

    /** {@code out = x / sqrt(mean(x^2) + eps) * w} over {@code d} values. */
    public static void rmsNorm(float[] x, int xOffset, float[] w, float eps, float[] out, int outOffset, int d) {
        float inv = rmsInverse(sumOfSquares(x, xOffset, d), d, eps);
        for (int c = 0; c < d; c++) out[outOffset + c] = x[xOffset + c] * inv * w[c];
    }

    /** {@code 1 / sqrt(ss / d + eps)}, RMSNorm's factor from the sum of squares. */
    public static float rmsInverse(float ss, int d, float eps) {
        return (float) (1.0 / Math.sqrt(ss / d + eps));
    }

    /**
     * {@code Σ x^2} over {@code d} values, in a fixed order: value c of the first {@code d - d % 16} goes to partial
     * sum {@code c % 16}, the 16 partial sums are added in order, then the remaining values one by one.
     */
    public static float sumOfSquares(float[] x, int offset, int d) {
        float[] part = new float[SQUARE_SUM_LANES];
        int c = 0;
        for (; c + SQUARE_SUM_LANES <= d; c += SQUARE_SUM_LANES) {
            for (int j = 0; j < SQUARE_SUM_LANES; j++) part[j] += x[offset + c + j] * x[offset + c + j];
        }
        return finishSumOfSquares(part, x, offset + c, d - c);
    }

    /** The last step of {@link #sumOfSquares}: the partial sums in order, then the {@code n} values from {@code at}. */
    public static float finishSumOfSquares(float[] part, float[] x, int at, int n) {
        float ss = 0f;
        for (float p : part) ss += p;
        for (int c = at; c < at + n; c++) ss += x[c] * x[c];
        return ss;
    }

    /**
     * BitNet's per-token activation quantisation of {@code k} values: returns {@code s = 127 / max(max|x|, 1e-5)} and
     * writes {@code q = clamp(rint(x * s), -128, 127)}.
     */
    public static float quantizeRow(float[] x, int offset, int k, short[] q) {
        float amax = 0f;
        for (int c = 0; c < k; c++) amax = Math.max(amax, Math.abs(x[offset + c]));
        float s = 127f / Math.max(amax, 1e-5f);
        for (int c = 0; c < k; c++) q[c] = (short) Math.clamp(Math.rint(x[offset + c] * s), -128, 127);
        return s;
    }

    /** RoPE's rotation at {@code pos}: for pair j, angle {@code pos / theta^(2j/headDim)}, as f32 cos and sin. */
    public static void ropeAngles(int pos, int headDim, float theta, float[] cos, float[] sin) {
        for (int j = 0; j < headDim / 2; j++) {
            double angle = pos * (1.0 / Math.pow(theta, 2.0 * j / headDim));
            cos[j] = (float) Math.cos(angle);
            sin[j] = (float) Math.sin(angle);
        }
    }

    /** Rotates one head in place: pairs (j, j + headDim/2), NEOX style. */
    public static void ropeHead(float[] v, int base, int headDim, float[] cos, float[] sin) {
        int half = headDim / 2;
        for (int j = 0; j < half; j++) {
            float x0 = v[base + j], x1 = v[base + j + half];
            v[base + j] = x0 * cos[j] - x1 * sin[j];
            v[base + j + half] = x0 * sin[j] + x1 * cos[j];
        }
    }

    /** The index (relative to {@code offset}) of the first largest of {@code n} values. */
    public static int argmax(float[] x, int offset, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) if (x[offset + i] > x[offset + best]) best = i;
        return best;
    }
}
