package dev.bitnet.backend;

/**
 * The element-wise arithmetic of the BitNet forward pass, written once: the reference backend is built from these,
 * and a backend that calls them for its cheap operations agrees with the reference bit for bit there.
 */
public final class ScalarMath {
    private ScalarMath() {
    }

    /** {@code out = x / sqrt(mean(x^2) + eps) * w} over {@code d} values. */
    public static void rmsNorm(float[] x, int xOffset, float[] w, float eps, float[] out, int outOffset, int d) {
        float ss = 0f;
        for (int c = 0; c < d; c++) ss += x[xOffset + c] * x[xOffset + c];
        float inv = (float) (1.0 / Math.sqrt(ss / d + eps));
        for (int c = 0; c < d; c++) out[outOffset + c] = x[xOffset + c] * inv * w[c];
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
