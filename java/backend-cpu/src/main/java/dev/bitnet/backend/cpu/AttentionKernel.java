package dev.bitnet.backend.cpu;

import dev.bitnet.backend.ForwardBatch;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Causal grouped-query attention of one token for query heads that share one KV head: scores q·k/sqrt(d) over
 * positions 0..pos of the token's sequence, softmax, weighted sum of values, over the paged KV cache. Up to
 * {@link #HEADS_PER_PASS} query heads go through the cache together, so each key and value row is read and widened
 * (f16 caches, see below) once for all of them instead of once per head: with 2B4T's four query heads per KV
 * head that made attention ~3x cheaper. Dot products and value sums run on f32 vectors of the preferred species,
 * with a scalar tail for head dimensions that are not a multiple of the vector length.
 *
 * <p>An f16 cache is read as in {@link LmHeadKernel}: each 32-bit lane of a row holds two halves, turned into f32
 * patterns worth the half times 2^-112 with a shift and a mask (subnormals included), even halves and odd halves
 * apart. The 2^112 goes into the other factor instead, exactly: the query (split into its even and odd elements,
 * part of the power of two moved to the score for queries large enough to overflow) and the softmax weights (at most
 * 1). So every product is the one of the widened values, in three integer operations per two halves instead of
 * {@link HalfFloats}' general conversion; the value sums collect even and odd elements apart and are put back in
 * order at the end. A cache row's work sits in small methods ({@code scoreRow}, {@code sumRow}): written inline in
 * the one method of a pass, the f16 pass ran 3.5x slower (C2 did not keep its vectors in registers there).
 */
final class AttentionKernel {
    /** Query heads per walk through the cache; the scores buffer holds this many rows of positions. */
    static final int HEADS_PER_PASS = 4;
    private static final VectorSpecies<Float> F = HalfFloats.F;
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    private static final VectorSpecies<Short> H = VectorSpecies.of(short.class, F.vectorShape());
    private static final float TWO_112 = 0x1p112f;

    /** A worker's buffers: scores of {@link #HEADS_PER_PASS} heads, and split queries and value sums. */
    static final class Scratch {
        float[] scores = new float[0];
        float[] query = new float[0];
        float[] sums = new float[0];

        void reserve(int positions, int headDim) {
            if (scores.length < HEADS_PER_PASS * positions) scores = new float[Math.max(HEADS_PER_PASS * positions, 2 * scores.length)];
            if (query.length < HEADS_PER_PASS * headDim) {
                query = new float[HEADS_PER_PASS * headDim];
                sums = new float[HEADS_PER_PASS * headDim];
            }
        }
    }

    private AttentionKernel() {
    }

    /**
     * Query heads [firstHead, firstHead + count) of {@code token}, all of one KV head; {@code scratch} has been
     * reserved for the token's position + 1 and the head dimension.
     */
    static void run(ForwardBatch batch, CpuKvCache cache, int layer, float[] q, int qCols, int token, int firstHead,
                    int count, int heads, int headDim, float[] out, Scratch scratch) {
        boolean halves = cache.spec.type() == dev.bitnet.backend.KvType.F16 && headDim % 2 == 0;
        for (int h = firstHead; h < firstHead + count; h += HEADS_PER_PASS) {
            int k = Math.min(HEADS_PER_PASS, firstHead + count - h);
            if (halves) passF16(batch, cache, layer, q, qCols, token, h, k, heads, headDim, out, scratch);
            else pass(batch, cache, layer, q, qCols, token, h, k, heads, headDim, out, scratch.scores);
        }
    }

    /** {@link #pass} for an f16 cache, reading two halves per int lane (see the class comment). */
    private static void passF16(ForwardBatch batch, CpuKvCache cache, int layer, float[] q, int qCols, int token,
                                int head, int k, int heads, int headDim, float[] out, Scratch scratch) {
        int kvHead = head / (heads / cache.spec.kvHeads());
        int blockSize = batch.blockSize(), half = headDim / 2;
        int[] table = batch.blockTables()[batch.seqIndex()[token]];
        int len = batch.positions()[token] + 1;
        float[] scores = scratch.scores, qs = scratch.query, sums = scratch.sums;
        int base = token * qCols + head * headDim;
        // the queries, even elements then odd ones, times 2^(112 - excess); heads past k repeat the last one
        float amax = 0f;
        for (int i = base; i < base + k * headDim; i++) amax = Math.max(amax, Math.abs(q[i]));
        int excess = LmHeadKernel.excess(amax);
        float pre = Math.scalb(1f, 112 - excess), scale = (float) (1.0 / Math.sqrt(headDim)) * Math.scalb(1f, excess);
        for (int j = 0; j < HEADS_PER_PASS; j++) {
            LmHeadKernel.split(q, base + Math.min(j, k - 1) * headDim, headDim, pre, qs, j * headDim);
        }
        for (int b = 0, p = 0; p < len; b++) {
            short[] keys = (short[]) cache.keyBlockAt(layer, table[b]);
            for (int row = 0; row < blockSize && p < len; row++, p++) {
                scoreRow(keys, cache.offset(kvHead, row), qs, headDim, scale, scores, p, len);
            }
        }
        for (int j = 0; j < k; j++) softmax(scores, j * len, len);
        java.util.Arrays.fill(sums, 0, HEADS_PER_PASS * headDim, 0f);
        for (int b = 0, p = 0; p < len; b++) {
            short[] values = (short[]) cache.valueBlockAt(layer, table[b]);
            for (int row = 0; row < blockSize && p < len; row++, p++) {
                sumRow(values, cache.offset(kvHead, row), sums, headDim, k, scores, p, len);
            }
        }
        for (int j = 0; j < k; j++) {
            for (int p = 0; p < half; p++) {
                out[base + j * headDim + 2 * p] = sums[j * headDim + p];
                out[base + j * headDim + 2 * p + 1] = sums[j * headDim + half + p];
            }
        }
    }

    /** Scores of position p for the four heads of the split queries {@code qs}: scores[j * len + p]. */
    private static void scoreRow(short[] keys, int at, float[] qs, int headDim, float scale, float[] scores, int p, int len) {
        int half = headDim / 2, q0 = 0, q1 = headDim, q2 = 2 * headDim, q3 = 3 * headDim;
        int bound = I.loopBound(half), step = I.length();
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (; i < bound; i += step) {
            IntVector w = ShortVector.fromArray(H, keys, at + 2 * i).reinterpretAsInts();
            FloatVector even = LmHeadKernel.evenHalves(w), odd = LmHeadKernel.oddHalves(w);
            a0 = odd.fma(FloatVector.fromArray(F, qs, q0 + half + i), even.fma(FloatVector.fromArray(F, qs, q0 + i), a0));
            a1 = odd.fma(FloatVector.fromArray(F, qs, q1 + half + i), even.fma(FloatVector.fromArray(F, qs, q1 + i), a1));
            a2 = odd.fma(FloatVector.fromArray(F, qs, q2 + half + i), even.fma(FloatVector.fromArray(F, qs, q2 + i), a2));
            a3 = odd.fma(FloatVector.fromArray(F, qs, q3 + half + i), even.fma(FloatVector.fromArray(F, qs, q3 + i), a3));
        }
        float s0 = a0.reduceLanes(VectorOperators.ADD), s1 = a1.reduceLanes(VectorOperators.ADD);
        float s2 = a2.reduceLanes(VectorOperators.ADD), s3 = a3.reduceLanes(VectorOperators.ADD);
        for (; i < half; i++) { // the query carries 2^112, so the key is scaled down to match
            float even = Math.scalb(Float.float16ToFloat(keys[at + 2 * i]), -112);
            float odd = Math.scalb(Float.float16ToFloat(keys[at + 2 * i + 1]), -112);
            s0 += even * qs[q0 + i] + odd * qs[q0 + half + i];
            s1 += even * qs[q1 + i] + odd * qs[q1 + half + i];
            s2 += even * qs[q2 + i] + odd * qs[q2 + half + i];
            s3 += even * qs[q3 + i] + odd * qs[q3 + half + i];
        }
        scores[p] = s0 * scale;
        scores[len + p] = s1 * scale;
        scores[2 * len + p] = s2 * scale;
        scores[3 * len + p] = s3 * scale;
    }

    /** Adds position p's value row, weighted by each head's softmax weight, to the split sums of k heads. */
    private static void sumRow(short[] values, int at, float[] sums, int headDim, int k, float[] scores, int p, int len) {
        int half = headDim / 2, q0 = 0, q1 = headDim, q2 = 2 * headDim, q3 = 3 * headDim;
        int bound = I.loopBound(half), step = I.length();
        // weights times 2^112 meet values times 2^-112; heads past k get weight 0 in their own rows
        FloatVector w0 = FloatVector.broadcast(F, scores[p] * TWO_112);
        FloatVector w1 = FloatVector.broadcast(F, k > 1 ? scores[len + p] * TWO_112 : 0f);
        FloatVector w2 = FloatVector.broadcast(F, k > 2 ? scores[2 * len + p] * TWO_112 : 0f);
        FloatVector w3 = FloatVector.broadcast(F, k > 3 ? scores[3 * len + p] * TWO_112 : 0f);
        int i = 0;
        for (; i < bound; i += step) {
            IntVector w = ShortVector.fromArray(H, values, at + 2 * i).reinterpretAsInts();
            FloatVector even = LmHeadKernel.evenHalves(w), odd = LmHeadKernel.oddHalves(w);
            addInto(sums, q0 + i, even, w0);
            addInto(sums, q0 + half + i, odd, w0);
            addInto(sums, q1 + i, even, w1);
            addInto(sums, q1 + half + i, odd, w1);
            addInto(sums, q2 + i, even, w2);
            addInto(sums, q2 + half + i, odd, w2);
            addInto(sums, q3 + i, even, w3);
            addInto(sums, q3 + half + i, odd, w3);
        }
        for (; i < half; i++) {
            float even = Float.float16ToFloat(values[at + 2 * i]), odd = Float.float16ToFloat(values[at + 2 * i + 1]);
            for (int j = 0; j < k; j++) {
                float wj = scores[j * len + p];
                sums[j * headDim + i] += wj * even;
                sums[j * headDim + half + i] += wj * odd;
            }
        }
    }

    /** {@code s[at..] += v * w}, one vector. */
    private static void addInto(float[] s, int at, FloatVector v, FloatVector w) {
        v.fma(w, FloatVector.fromArray(F, s, at)).intoArray(s, at);
    }


    /** One walk through the cache for {@code k <= HEADS_PER_PASS} query heads starting at {@code head}. */
    private static void pass(ForwardBatch batch, CpuKvCache cache, int layer, float[] q, int qCols, int token,
                             int head, int k, int heads, int headDim, float[] out, float[] scores) {
        int kvHead = head / (heads / cache.spec.kvHeads());
        int blockSize = batch.blockSize();
        int[] table = batch.blockTables()[batch.seqIndex()[token]];
        int len = batch.positions()[token] + 1;
        float scale = (float) (1.0 / Math.sqrt(headDim));
        // heads past k repeat the last one: their scores land in rows of the buffer that nobody reads
        int base = token * qCols + head * headDim;
        int q0 = base, q1 = base + Math.min(1, k - 1) * headDim, q2 = base + Math.min(2, k - 1) * headDim,
                q3 = base + Math.min(3, k - 1) * headDim;
        // positions walk the sequence's blocks in order: block b holds positions b*blockSize.. in its rows
        for (int b = 0, p = 0; p < len; b++) {
            Object keys = cache.keyBlockAt(layer, table[b]);
            for (int row = 0; row < blockSize && p < len; row++, p++) {
                scoreRow(keys, cache.offset(kvHead, row), q, q0, q1, q2, q3, headDim, scale, scores, p, len);
            }
        }
        for (int j = 0; j < k; j++) softmax(scores, j * len, len);
        for (int j = 0; j < k; j++) java.util.Arrays.fill(out, base + j * headDim, base + (j + 1) * headDim, 0f);
        for (int b = 0, p = 0; p < len; b++) {
            Object values = cache.valueBlockAt(layer, table[b]);
            for (int row = 0; row < blockSize && p < len; row++, p++) {
                int at = cache.offset(kvHead, row);
                if (k == HEADS_PER_PASS) {
                    accumulate4(values, at, scores[p], scores[len + p], scores[2 * len + p], scores[3 * len + p],
                            out, base, headDim);
                } else {
                    for (int j = 0; j < k; j++) accumulate(values, at, scores[j * len + p], out, base + j * headDim, headDim);
                }
            }
        }
    }

    /** Scores of position p for four heads whose queries start at q0..q3: scores[j * len + p]. */
    private static void scoreRow(Object keys, int at, float[] q, int q0, int q1, int q2, int q3, int headDim, float scale,
                                 float[] scores, int p, int len) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        int i = 0, bound = F.loopBound(headDim);
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
