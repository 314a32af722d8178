package dev.bitnet.backend.cpu;

import java.util.Arrays;

/**
 * Cached RoPE rotations per position, computed with exactly the reference backend's formula
 * ({@code freq = 1 / theta^(2j/headDim)}, {@code angle = pos * freq} in double, then cos/sin as f32), so the cache
 * changes nothing numerically and saves the transcendental functions of every step.
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
            int half = headDim / 2;
            float[] cos = new float[half], sin = new float[half];
            for (int j = 0; j < half; j++) {
                double angle = pos * (1.0 / Math.pow(theta, 2.0 * j / headDim));
                cos[j] = (float) Math.cos(angle);
                sin[j] = (float) Math.sin(angle);
            }
            a = table[pos] = new Angles(cos, sin);
        }
        return a;
    }
}
