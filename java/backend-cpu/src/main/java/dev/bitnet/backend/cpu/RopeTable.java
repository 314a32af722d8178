package dev.bitnet.backend.cpu;

import java.util.Arrays;

/**
 * Cached RoPE rotations per position, computed by {@link dev.bitnet.backend.ScalarMath#ropeAngles} as the reference
 * backend computes them, so the cache changes nothing numerically and saves the transcendental functions of every step.
 */
final class RopeTable {
    record Angles(float[] cos, float[] sin) {
    }

    private Angles[] table = new Angles[0];
    private int headDim = -1;
    private float theta = Float.NaN;

    synchronized Angles angles(int pos, int headDim, float theta) {
        if (headDim != this.headDim || Float.compare(theta, this.theta) != 0) {
            table = new Angles[0];
            this.headDim = headDim;
            this.theta = theta;
        }
        if (pos >= table.length) table = Arrays.copyOf(table, Math.max(pos + 1, 2 * table.length));
        Angles a = table[pos];
        if (a == null) {
            float[] cos = new float[headDim / 2], sin = new float[headDim / 2];
            dev.bitnet.backend.ScalarMath.ropeAngles(pos, headDim, theta, cos, sin);
            a = table[pos] = new Angles(cos, sin);
        }
        return a;
    }
}
