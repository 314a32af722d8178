package dev.bitnet.backend.opencl;

import dev.bitnet.backend.ScalarMath;
import org.jocl.Pointer;
import org.jocl.cl_mem;

/**
 * RoPE's cos/sin tables on the device, [position][headDim/2], computed on the host with the reference backend's
 * arithmetic ({@link ScalarMath#ropeAngles}) so both backends rotate by exactly the same f32 values. Grows (doubling)
 * to cover the largest position a step uses.
 */
final class RopeTables {
    record Table(cl_mem cos, cl_mem sin) {
    }

    private final ClRuntime rt;
    private int headDim, positions;
    private float theta;
    private Table table;

    RopeTables(ClRuntime rt) {
        this.rt = rt;
    }

    /** Tables for positions 0..length-1 (at least). */
    Table get(int headDim, float theta, int length) {
        if (table != null && headDim == this.headDim && theta == this.theta && length <= positions) return table;
        if (table != null) {
            rt.free(table.cos());
            rt.free(table.sin());
        }
        int count = Math.max(length, Math.max(256, 2 * (headDim == this.headDim && theta == this.theta ? positions : 0)));
        int half = headDim / 2;
        float[] cos = new float[count * half], sin = new float[count * half], c = new float[half], s = new float[half];
        for (int p = 0; p < count; p++) {
            ScalarMath.ropeAngles(p, headDim, theta, c, s);
            System.arraycopy(c, 0, cos, p * half, half);
            System.arraycopy(s, 0, sin, p * half, half);
        }
        cl_mem cm = rt.alloc(4L * cos.length, "RoPE cos table"), sm = rt.alloc(4L * sin.length, "RoPE sin table");
        rt.write(cm, 0, Pointer.to(cos), 4L * cos.length);
        rt.write(sm, 0, Pointer.to(sin), 4L * sin.length);
        this.headDim = headDim;
        this.theta = theta;
        this.positions = count;
        table = new Table(cm, sm);
        return table;
    }
}
