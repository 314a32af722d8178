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
 * order at the end. The work sits in small methods ({@code scoreRow} per cache row, {@code sumBlock} per block):
 * written inline in the one method of a pass, the f16 pass ran 3.5x slower (C2 did not keep its vectors in
 * registers there). Measured with {@code AttentionBenchmark} (one thread, 1024 positions, f16): 550-690 us a layer
 * before the split fma chains of {@code scoreRow}, the vector softmax and the per-block value sums, ~320 after.
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

    /** One layer's attention inputs: the step, the cache, the queries ({@code qCols} per token) and the shape. */
    record Layer(ForwardBatch batch, CpuKvCache cache, int layer, float[] q, int qCols, int heads, int headDim) {
    }

    /**
     * Query heads [firstHead, firstHead + count) of {@code token}, all of one KV head, over positions [from, to) of
     * its sequence ({@code from} a multiple of the block size); {@code scratch} has been reserved for to - from
     * positions. With {@code stats} null the range is the whole sequence and each head's output goes to
     * {@code dst[dstOffset + (h - firstHead) * headDim ..]}. Otherwise dst gets the range's unnormalised sums
     * {@code Σ exp(s - m) v}, and {@code stats[statsOffset + 2 (h - firstHead)]} the range's largest score m and
     * {@code Σ exp(s - m)}, for {@link #merge}.
     */
    static void run(Layer l, int token, int firstHead, int count, int from, int to, float[] dst, int dstOffset,
                    float[] stats, int statsOffset, Scratch scratch) {
        boolean halves = l.cache.spec.type() == dev.bitnet.backend.KvType.F16 && l.headDim % 2 == 0;
        for (int h = firstHead; h < firstHead + count; h += HEADS_PER_PASS) {
            int k = Math.min(HEADS_PER_PASS, firstHead + count - h), j = h - firstHead;
            int at = dstOffset + j * l.headDim, statsAt = statsOffset + 2 * j;
            if (halves) passF16(l, token, h, k, from, to, dst, at, stats, statsAt, scratch);
            else pass(l, token, h, k, from, to, dst, at, stats, statsAt, scratch.scores);
        }
    }

    /**
     * Combines the ranges of a split sequence for one head: range i's unnormalised sums at
     * {@code sums[(first + i * heads) * headDim ..]} and its (max, exp-sum) at {@code stats[2 (first + i * heads)]}
     * (ranges [part][head] apart); writes the softmax-weighted sum over all of them to {@code out[outOffset ..]}.
     * Empty ranges have max -inf and sum 0; the first range is never empty.
     */
    static void merge(int parts, int heads, int headDim, float[] sums, float[] stats, int first, float[] out, int outOffset) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < parts; i++) max = Math.max(max, stats[2 * (first + i * heads)]);
        float total = 0f;
        java.util.Arrays.fill(out, outOffset, outOffset + headDim, 0f);
        for (int i = 0; i < parts; i++) {
            int r = first + i * heads;
            float m = stats[2 * r];
            if (m == Float.NEGATIVE_INFINITY) continue;
            float w = VectorMath.expNonPositive(m - max);
            total += w * stats[2 * r + 1];
            for (int d = 0; d < headDim; d++) out[outOffset + d] += w * sums[r * headDim + d];
        }
        float inv = 1f / total;
        for (int d = 0; d < headDim; d++) out[outOffset + d] *= inv;
    }

    /** {@link #pass} for an f16 cache, reading two halves per int lane (see the class comment). */
    private static void passF16(Layer l, int token, int head, int k, int from, int to, float[] dst, int dstAt,
                                float[] stats, int statsAt, Scratch scratch) {
        int headDim = l.headDim, kvHead = head / (l.heads / l.cache.spec.kvHeads());
        int blockSize = l.batch.blockSize(), half = headDim / 2;
        int[] table = l.batch.blockTables()[l.batch.seqIndex()[token]];
        int len = to - from; // scores[j * len + p - from]: head j, position p
        float[] q = l.q, scores = scratch.scores, qs = scratch.query, sums = scratch.sums;
        int base = token * l.qCols + head * headDim;
        // the queries, even elements then odd ones, times 2^(112 - excess); heads past k repeat the last one
        float amax = 0f;
        for (int i = base; i < base + k * headDim; i++) amax = Math.max(amax, Math.abs(q[i]));
        int excess = LmHeadKernel.excess(amax);
        float pre = Math.scalb(1f, 112 - excess), scale = (float) (1.0 / Math.sqrt(headDim)) * Math.scalb(1f, excess);
        for (int j = 0; j < HEADS_PER_PASS; j++) {
            LmHeadKernel.split(q, base + Math.min(j, k - 1) * headDim, headDim, pre, qs, j * headDim);
        }
        for (int b = from / blockSize, p = 0; p < len; b++) {
            short[] keys = (short[]) l.cache.keys(l.layer, kvHead, table[b]);
            for (int row = 0; row < blockSize && p < len; row++, p++) {
                scoreRow(keys, l.cache.offset(table[b], row), qs, headDim, scale, scores, p, len);
            }
        }
        // softmax weights times 2^112 (they meet values times 2^-112); rows of heads past k weigh nothing
        for (int j = 0; j < k; j++) softmax(scores, j * len, len, TWO_112, stats, stats == null ? 0 : statsAt + 2 * j);
        java.util.Arrays.fill(scores, k * len, HEADS_PER_PASS * len, 0f);
        java.util.Arrays.fill(sums, 0, HEADS_PER_PASS * headDim, 0f);
        for (int b = from / blockSize, p = 0; p < len; b++, p += blockSize) {
            short[] values = (short[]) l.cache.values(l.layer, kvHead, table[b]);
            sumBlock(values, l.cache.offset(table[b], 0), Math.min(blockSize, len - p), sums, headDim, scores, p, len);
        }
        for (int j = 0; j < k; j++) {
            for (int p = 0; p < half; p++) {
                dst[dstAt + j * headDim + 2 * p] = sums[j * headDim + p];
                dst[dstAt + j * headDim + 2 * p + 1] = sums[j * headDim + half + p];
            }
        }
    }

    /**
     * Scores of position p for the four heads of the split queries {@code qs}: scores[j * len + p]. Even and odd
     * halves go to separate accumulators, so no chain of dependent fmas is longer than half the row.
     */
    private static void scoreRow(short[] keys, int at, float[] qs, int headDim, float scale, float[] scores, int p, int len) {
        int half = headDim / 2, q0 = 0, q1 = headDim, q2 = 2 * headDim, q3 = 3 * headDim;
        int bound = I.loopBound(half), step = I.length();
        FloatVector e0 = FloatVector.zero(F), e1 = e0, e2 = e0, e3 = e0, o0 = e0, o1 = e0, o2 = e0, o3 = e0;
        int i = 0;
        for (; i < bound; i += step) {
            IntVector w = ShortVector.fromArray(H, keys, at + 2 * i).reinterpretAsInts();
            FloatVector even = LmHeadKernel.evenHalves(w), odd = LmHeadKernel.oddHalves(w);
            e0 = even.fma(FloatVector.fromArray(F, qs, q0 + i), e0);
            o0 = odd.fma(FloatVector.fromArray(F, qs, q0 + half + i), o0);
            e1 = even.fma(FloatVector.fromArray(F, qs, q1 + i), e1);
            o1 = odd.fma(FloatVector.fromArray(F, qs, q1 + half + i), o1);
            e2 = even.fma(FloatVector.fromArray(F, qs, q2 + i), e2);
            o2 = odd.fma(FloatVector.fromArray(F, qs, q2 + half + i), o2);
            e3 = even.fma(FloatVector.fromArray(F, qs, q3 + i), e3);
            o3 = odd.fma(FloatVector.fromArray(F, qs, q3 + half + i), o3);
        }
        float s0 = VectorMath.sum(e0.add(o0)), s1 = VectorMath.sum(e1.add(o1));
        float s2 = VectorMath.sum(e2.add(o2)), s3 = VectorMath.sum(e3.add(o3));
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

    /**
     * Adds the value rows of positions p.. p + rows - 1 (consecutive rows of one block from {@code at}), weighted by
     * each head's softmax weight (times 2^112), to the split sums of the four heads. A block's rows sit in L1, so
     * the sums of one vector of pairs stay in registers over the block's rows and meet memory once per block.
     */
    private static void sumBlock(short[] values, int at, int rows, float[] sums, int headDim, float[] scores, int p, int len) {
        int half = headDim / 2, bound = I.loopBound(half), step = I.length();
        int i = 0;
        for (; i < bound; i += step) {
            FloatVector e0 = FloatVector.zero(F), e1 = e0, e2 = e0, e3 = e0, o0 = e0, o1 = e0, o2 = e0, o3 = e0;
            for (int r = 0; r < rows; r++) {
                IntVector w = ShortVector.fromArray(H, values, at + r * headDim + 2 * i).reinterpretAsInts();
                FloatVector even = LmHeadKernel.evenHalves(w), odd = LmHeadKernel.oddHalves(w);
                FloatVector w0 = FloatVector.broadcast(F, scores[p + r]), w1 = FloatVector.broadcast(F, scores[len + p + r]);
                FloatVector w2 = FloatVector.broadcast(F, scores[2 * len + p + r]), w3 = FloatVector.broadcast(F, scores[3 * len + p + r]);
                e0 = even.fma(w0, e0);
                o0 = odd.fma(w0, o0);
                e1 = even.fma(w1, e1);
                o1 = odd.fma(w1, o1);
                e2 = even.fma(w2, e2);
                o2 = odd.fma(w2, o2);
                e3 = even.fma(w3, e3);
                o3 = odd.fma(w3, o3);
            }
            addInto(sums, i, e0);
            addInto(sums, half + i, o0);
            addInto(sums, headDim + i, e1);
            addInto(sums, headDim + half + i, o1);
            addInto(sums, 2 * headDim + i, e2);
            addInto(sums, 2 * headDim + half + i, o2);
            addInto(sums, 3 * headDim + i, e3);
            addInto(sums, 3 * headDim + half + i, o3);
        }
        for (; i < half; i++) { // values times 2^-112 meet the scaled weights, as in the vector part
            for (int r = 0; r < rows; r++) {
                float even = Math.scalb(Float.float16ToFloat(values[at + r * headDim + 2 * i]), -112);
                float odd = Math.scalb(Float.float16ToFloat(values[at + r * headDim + 2 * i + 1]), -112);
                for (int j = 0; j < HEADS_PER_PASS; j++) {
                    float wj = scores[j * len + p + r];
                    sums[j * headDim + i] += wj * even;
                    sums[j * headDim + half + i] += wj * odd;
                }
            }
        }
    }

    /** {@code s[at..] += v}, one vector. */
    private static void addInto(float[] s, int at, FloatVector v) {
        v.add(FloatVector.fromArray(F, s, at)).intoArray(s, at);
    }

    /** One walk through positions [from, to) for {@code k <= HEADS_PER_PASS} query heads starting at {@code head}. */
    private static void pass(Layer l, int token, int head, int k, int from, int to, float[] dst, int dstAt,
                             float[] stats, int statsAt, float[] scores) {
        int headDim = l.headDim, kvHead = head / (l.heads / l.cache.spec.kvHeads());
        int blockSize = l.batch.blockSize();
        int[] table = l.batch.blockTables()[l.batch.seqIndex()[token]];
        int len = to - from;
        float scale = (float) (1.0 / Math.sqrt(headDim));
        float[] q = l.q;
        // heads past k repeat the last one: their scores land in rows of the buffer that nobody reads
        int base = token * l.qCols + head * headDim;
        int q0 = base, q1 = base + Math.min(1, k - 1) * headDim, q2 = base + Math.min(2, k - 1) * headDim,
                q3 = base + Math.min(3, k - 1) * headDim;
        // positions walk the sequence's blocks in order: block b holds positions b*blockSize.. in its rows
        for (int b = from / blockSize, p = 0; p < len; b++) {
            Object keys = l.cache.keys(l.layer, kvHead, table[b]);
            for (int row = 0; row < blockSize && p < len; row++, p++) {
                scoreRow(keys, l.cache.offset(table[b], row), q, q0, q1, q2, q3, headDim, scale, scores, p, len);
            }
        }
        for (int j = 0; j < k; j++) softmax(scores, j * len, len, 1f, stats, stats == null ? 0 : statsAt + 2 * j);
        for (int j = 0; j < k; j++) java.util.Arrays.fill(dst, dstAt + j * headDim, dstAt + (j + 1) * headDim, 0f);
        for (int b = from / blockSize, p = 0; p < len; b++) {
            Object values = l.cache.values(l.layer, kvHead, table[b]);
            for (int row = 0; row < blockSize && p < len; row++, p++) {
                int at = l.cache.offset(table[b], row);
                if (k == HEADS_PER_PASS) {
                    accumulate4(values, at, scores[p], scores[len + p], scores[2 * len + p], scores[3 * len + p],
                            dst, dstAt, headDim);
                } else {
                    for (int j = 0; j < k; j++) accumulate(values, at, scores[j * len + p], dst, dstAt + j * headDim, headDim);
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
        float s0 = VectorMath.sum(a0), s1 = VectorMath.sum(a1), s2 = VectorMath.sum(a2), s3 = VectorMath.sum(a3);
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

    /**
     * Replaces {@code s[from..from+n)} by its softmax times {@code factor}, a power of two; or, where {@code stats}
     * is not null, by {@code exp(s - m)} times factor, m the largest, storing m and {@code Σ exp(s - m)} at
     * {@code stats[at]} (a range of a split sequence, see {@link #merge}). exp and the sums from {@link VectorMath}:
     * the same in every JIT tier.
     */
    private static void softmax(float[] s, int from, int n, float factor, float[] stats, int at) {
        int end = from + n, bound = from + F.loopBound(n), p;
        FloatVector m = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        for (p = from; p < bound; p += F.length()) m = m.max(FloatVector.fromArray(F, s, p));
        float max = m.reduceLanes(VectorOperators.MAX);
        for (; p < end; p++) max = Math.max(max, s[p]);
        FloatVector sums = FloatVector.zero(F);
        for (p = from; p < bound; p += F.length()) {
            FloatVector e = VectorMath.expNonPositive(FloatVector.fromArray(F, s, p).sub(max));
            e.intoArray(s, p);
            sums = sums.add(e);
        }
        float sum = VectorMath.sum(sums);
        for (; p < end; p++) sum += s[p] = VectorMath.expNonPositive(s[p] - max);
        if (stats != null) {
            stats[at] = max;
            stats[at + 1] = sum;
        }
        float w = stats == null ? factor / sum : factor;
        for (p = from; p < bound; p += F.length()) FloatVector.fromArray(F, s, p).mul(w).intoArray(s, p);
        for (; p < end; p++) s[p] *= w;
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
