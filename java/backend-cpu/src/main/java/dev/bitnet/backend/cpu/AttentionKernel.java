package dev.bitnet.backend.cpu;

import dev.bitnet.backend.ForwardBatch;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Causal grouped-query attention of one (token, head) pair over the paged KV cache: scores q·k/sqrt(d) over
 * positions 0..pos of the token's sequence, softmax, weighted sum of values. Dot products and the value sum run on
 * f32 vectors of the preferred species (f16 caches widened by {@link HalfFloats}), with a scalar tail for head
 * dimensions that are not a multiple of the vector length.
 */
final class AttentionKernel {
    private static final VectorSpecies<Float> F = HalfFloats.F;

    private AttentionKernel() {
    }

    static void run(ForwardBatch batch, CpuKvCache cache, int layer, float[] q, int qCols, int token, int head,
                    int heads, int headDim, float[] out, float[] scores) {
        int kvOffset = head / (heads / cache.spec.kvHeads()) * headDim;
        int kvDim = cache.spec.kvDim(), blockSize = batch.blockSize();
        int qOffset = token * qCols + head * headDim;
        int[] table = batch.blockTables()[batch.seqIndex()[token]];
        int len = batch.positions()[token] + 1;
        float scale = (float) (1.0 / Math.sqrt(headDim));
        float max = Float.NEGATIVE_INFINITY;
        // positions walk the sequence's blocks in order: block b holds positions b*blockSize.. in its rows
        for (int b = 0, p = 0; p < len; b++) {
            Object keys = cache.keyBlockAt(layer, table[b]);
            for (int row = 0; row < blockSize && p < len; row++, p++) {
                scores[p] = dot(keys, row * kvDim + kvOffset, q, qOffset, headDim) * scale;
                max = Math.max(max, scores[p]);
            }
        }
        float sum = 0f;
        for (int p = 0; p < len; p++) {
            scores[p] = (float) Math.exp(scores[p] - max);
            sum += scores[p];
        }
        int oOffset = token * qCols + head * headDim;
        java.util.Arrays.fill(out, oOffset, oOffset + headDim, 0f);
        for (int b = 0, p = 0; p < len; b++) {
            Object values = cache.valueBlockAt(layer, table[b]);
            for (int row = 0; row < blockSize && p < len; row++, p++) {
                accumulate(values, row * kvDim + kvOffset, scores[p] / sum, out, oOffset, headDim);
            }
        }
    }

    /** {@code Σ block[at + i] · q[qOffset + i]} over n values; block is a short[] of f16 bits or a float[]. */
    private static float dot(Object block, int at, float[] q, int qOffset, int n) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0, bound = F.loopBound(n);
        for (; i < bound; i += F.length()) acc = load(block, at + i).fma(FloatVector.fromArray(F, q, qOffset + i), acc);
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) sum += get(block, at + i) * q[qOffset + i];
        return sum;
    }

    /** {@code out[oOffset + i] += w · block[at + i]} over n values. */
    private static void accumulate(Object block, int at, float w, float[] out, int oOffset, int n) {
        int i = 0, bound = F.loopBound(n);
        for (; i < bound; i += F.length()) {
            load(block, at + i).fma(FloatVector.broadcast(F, w), FloatVector.fromArray(F, out, oOffset + i)).intoArray(out, oOffset + i);
        }
        for (; i < n; i++) out[oOffset + i] += w * get(block, at + i);
    }

    private static FloatVector load(Object block, int at) {
        return block instanceof short[] h ? HalfFloats.load(h, at) : FloatVector.fromArray(F, (float[]) block, at);
    }

    private static float get(Object block, int at) {
        return block instanceof short[] h ? Float.float16ToFloat(h[at]) : ((float[]) block)[at];
    }
}
