package dev.bitnet.backend.cpu;

import dev.bitnet.quant.F16Matrix;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * One logit: the dot product of an f32 hidden state with an f16 row of the (memory-mapped) embedding, streaming the
 * row through {@link HalfFloats}. The LM head is the largest read of a decode step (0.66 GB for 2B4T).
 */
final class LmHeadKernel {
    private static final VectorSpecies<Float> F = HalfFloats.F;

    private LmHeadKernel() {
    }

    static float dot(F16Matrix e, int row, float[] x, int xOffset) {
        int n = e.cols();
        long base = (long) row * n * 2;
        FloatVector a0 = FloatVector.zero(F), a1 = a0;
        int i = 0, step = 2 * F.length(), bound = n / step * step;
        for (; i < bound; i += step) {
            a0 = HalfFloats.load(e.data(), base + 2L * i).fma(FloatVector.fromArray(F, x, xOffset + i), a0);
            a1 = HalfFloats.load(e.data(), base + 2L * (i + F.length())).fma(FloatVector.fromArray(F, x, xOffset + i + F.length()), a1);
        }
        float sum = a0.add(a1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) sum += e.get(row, i) * x[xOffset + i];
        return sum;
    }
}
