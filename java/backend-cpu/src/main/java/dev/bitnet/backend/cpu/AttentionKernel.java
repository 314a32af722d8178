package dev.bitnet.backend.cpu;

import dev.bitnet.backend.ForwardBatch;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Causal grouped-query attention of one token for query heads that share one KV head: scores q·k/sqrt(d) over
 * positions 0..pos of the token's sequence, softmax, weighted sum of values, over the paged KV cache. Up to
 * {@link #HEADS_PER_PASS} query heads go through the cache together, so each key and value row is read and widened
 * (f16 caches, {@link HalfFloats}) once for all of them instead of once per head: with 2B4T's four query heads per KV
 * head that made attention ~3x cheaper. Dot products and value sums run on f32 vectors of the preferred species,
 * with a scalar tail for head dimensions that are not a multiple of the vector length; per head the arithmetic is
 * the same as one head at a time.
 */
final class AttentionKernel {
    /** Query heads per walk through the cache; the scores buffer holds this many rows of positions. */
    static final int HEADS_PER_PASS = 4;
    private static final VectorSpecies<Float> F = HalfFloats.F;

    private AttentionKernel() {
    }

    /**
     * Query heads [firstHead, firstHead + count) of {@code token}, all of one KV head; {@code scores} holds at least
     * {@code HEADS_PER_PASS * (position + 1)} floats.
     */
    static void run(ForwardBatch batch, CpuKvCache cache, int layer, float[] q, int qCols, int token, int firstHead,
                    int count, int heads, int headDim, float[] out, float[] scores) {
        for (int h = firstHead; h < firstHead + count; h += HEADS_PER_PASS) {
            pass(batch, cache, layer, q, qCols, token, h, Math.min(HEADS_PER_PASS, firstHead + count - h), heads,
                    headDim, out, scores);
        }
    }

    /** One walk through the cache for {@code k <= HEADS_PER_PASS} query heads starting at {@code head}. */
    private static void pass(ForwardBatch batch, CpuKvCache cache, int layer, float[] q, int qCols, int token,
                             int head, int k, int heads, int headDim, float[] out, float[] scores) {
        int kvOffset = head / (heads / cache.spec.kvHeads()) * headDim;
        int kvDim = cache.spec.kvDim(), blockSize = batch.blockSize();
        int[] table = batch.blockTables()[batch.seqIndex()[token]];
        int len = batch.positions()[token] + 1;
        float scale = (float) (1.0 / Math.sqrt(headDim));
        // heads past k repeat the last one: their scores land in rows of the buffer that nobody reads
        int base = token * qCols + head * headDim;
        int q0 = base, q1 = base + Math.min(1, k - 1) * headDim, q2 = base + Math.min(2, k - 1) * headDim,
                q3 = base + Math.min(3, k - 1) * headDim;
        int bound = F.loopBound(headDim);
        // positions walk the sequence's blocks in order: block b holds positions b*blockSize.. in its rows
        for (int b = 0, p = 0; p < len; b++) {
            Object keys = cache.keyBlockAt(layer, table[b]);
            for (int row = 0; row < blockSize && p < len; row++, p++) {
                int at = row * kvDim + kvOffset;
                FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
                int i = 0;
                for (; i < bound; i += F.length()) {
                    FloatVector key = load(keys, at + i);
                    a0 = key.fma(FloatVector.fromArray(F, q, q0 + i), a0);
                    a1 = key.fma(FloatVector.fromArray(F, q, q1 + i), a1);
                    a2 = key.fma(FloatVector.fromArray(F, q, q2 + i), a2);
                    a3 = key.fma(FloatVector.fromArray(F, q, q3 + i), a3);
                }
                float s0 = a0.reduceLanes(VectorOperators.ADD), s1 = a1.reduceLanes(VectorOperators.ADD);
                float s2 = a2.reduceLanes(VectorOperators.ADD), s3 = a3.reduceLanes(VectorOperators.ADD);
                for (; i < headDim; i++) {
                    float key = get(keys, at + i);
                    s0 += key * q[q0 + i];
                    s1 += key * q[q1 + i];
                    s2 += key * q[q2 + i];
                    s3 += key * q[q3 + i];
                }
                scores[p] = s0 * scale;
                scores[len + p] = s1 * scale;
                scores[2 * len + p] = s2 * scale;
                scores[3 * len + p] = s3 * scale;
            }
        }
        for (int j = 0; j < k; j++) softmax(scores, j * len, len);
        for (int j = 0; j < k; j++) java.util.Arrays.fill(out, base + j * headDim, base + (j + 1) * headDim, 0f);
        for (int b = 0, p = 0; p < len; b++) {
            Object values = cache.valueBlockAt(layer, table[b]);
            for (int row = 0; row < blockSize && p < len; row++, p++) {
                int at = row * kvDim + kvOffset;
                if (k == HEADS_PER_PASS) {
                    accumulate4(values, at, scores[p], scores[len + p], scores[2 * len + p], scores[3 * len + p],
                            out, base, headDim);
                } else {
                    for (int j = 0; j < k; j++) accumulate(values, at, scores[j * len + p], out, base + j * headDim, headDim);
                }
            }
        }
    }

    /** Replaces {@code s[from..from+n)} by its softmax. */
    private static void softmax(float[] s, int from, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int p = from; p < from + n; p++) max = Math.max(max, s[p]);
        float sum = 0f;
        for (int p = from; p < from + n; p++) {
            s[p] = (float) Math.exp(s[p] - max);
            sum += s[p];
        }
        for (int p = from; p < from + n; p++) s[p] /= sum;
    }

    /** {@code out[oOffset + i] += w · block[at + i]} over n values. */
    private static void accumulate(Object block, int at, float w, float[] out, int oOffset, int n) {
        int i = 0, bound = F.loopBound(n);
        for (; i < bound; i += F.length()) {
            load(block, at + i).fma(FloatVector.broadcast(F, w), FloatVector.fromArray(F, out, oOffset + i)).intoArray(out, oOffset + i);
        }
        for (; i < n; i++) out[oOffset + i] += w * get(block, at + i);
    }

    /** {@link #accumulate} for four heads whose outputs follow each other from {@code oOffset}, one widening. */
    private static void accumulate4(Object block, int at, float w0, float w1, float w2, float w3, float[] out,
                                    int oOffset, int n) {
        int o1 = oOffset + n, o2 = o1 + n, o3 = o2 + n;
        int i = 0, bound = F.loopBound(n);
        for (; i < bound; i += F.length()) {
            FloatVector v = load(block, at + i);
            v.fma(FloatVector.broadcast(F, w0), FloatVector.fromArray(F, out, oOffset + i)).intoArray(out, oOffset + i);
            v.fma(FloatVector.broadcast(F, w1), FloatVector.fromArray(F, out, o1 + i)).intoArray(out, o1 + i);
            v.fma(FloatVector.broadcast(F, w2), FloatVector.fromArray(F, out, o2 + i)).intoArray(out, o2 + i);
            v.fma(FloatVector.broadcast(F, w3), FloatVector.fromArray(F, out, o3 + i)).intoArray(out, o3 + i);
        }
        for (; i < n; i++) {
            float v = get(block, at + i);
            out[oOffset + i] += w0 * v;
            out[o1 + i] += w1 * v;
            out[o2 + i] += w2 * v;
            out[o3 + i] += w3 * v;
        }
    }

    private static FloatVector load(Object block, int at) {
        return block instanceof short[] h ? HalfFloats.load(h, at) : FloatVector.fromArray(F, (float[]) block, at);
    }

    private static float get(Object block, int at) {
        return block instanceof short[] h ? Float.float16ToFloat(h[at]) : ((float[]) block)[at];
    }
}
