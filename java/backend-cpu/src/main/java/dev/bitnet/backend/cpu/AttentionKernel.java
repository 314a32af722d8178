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
 * <p>Scores: a block's keys are stored transposed ({@link CpuKvCache}), so a vector holds one dimension of several
 * rows and each dimension adds a broadcast query element times them: the scores of a block's rows come out as vector
 * lanes, with no horizontal sum per row (2026-12-01: one layer at 1024 positions 396-471 -> 349-368 us, 30 layers
 * from memory 18.2-19.9 -> 14.2-15.9 ms, `AttentionBenchmark`, alternating). Block sizes that are not a multiple of
 * a vector's rows take a scalar loop.
 *
 * <p>An f16 cache is read as in {@link LmHeadKernel}: each 32-bit lane holds two halves (of two rows for keys, of
 * two dimensions for values), turned into f32 patterns worth the half times 2^-112 with a shift and a mask
 * (subnormals included), even halves and odd halves apart. The 2^112 goes into the other factor instead, exactly: the
 * query (part of the power of two moved to the score for queries large enough to overflow) and the softmax weights
 * (at most 1). So every product is the one of the widened values, in three integer operations per two halves instead
 * of {@link HalfFloats}' general conversion; the value sums collect even and odd dimensions apart and are put back in
 * order at the end. The work sits in small methods per block ({@code scoreBlockF16}, {@code sumBlock}): written
 * inline in the one method of a pass, the f16 pass ran 3.5x slower (C2 did not keep its vectors in registers there).
 * These two products are {@link #VECTOR}, one implementation of {@link AttentionBlocks}; the {@code cpu-native}
 * backend passes libbitnet_cpu's ({@link NativeAttentionBlocks}), and the rest of a pass (queries, softmax, the walk
 * through the blocks) is the same code for both.
 */
final class AttentionKernel {
    /** Query heads per walk through the cache; the scores buffer holds this many rows of positions. */
    static final int HEADS_PER_PASS = 4;
    private static final VectorSpecies<Float> F = HalfFloats.F;
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    private static final VectorSpecies<Short> H = VectorSpecies.of(short.class, F.vectorShape());
    /**
     * Transposed f16 keys: ints of two rows' halves, at most 256 bits (so that a block of 16 positions fills whole
     * vectors on AVX-512 too); {@link #KEY_ROWS} rows per load.
     */
    private static final VectorSpecies<Float> KF = F.length() > 8 ? FloatVector.SPECIES_256 : F;
    private static final VectorSpecies<Integer> KI = VectorSpecies.of(int.class, KF.vectorShape());
    private static final VectorSpecies<Short> KH = VectorSpecies.of(short.class, KF.vectorShape());
    private static final int KEY_ROWS = 2 * KI.length();

    /**
     * A worker's buffers: scores of {@link #HEADS_PER_PASS} heads (head after head), the same as softmax weights
     * interleaved (position after position), scaled queries, value sums, one block's scores.
     */
    static final class Scratch {
        float[] scores = new float[0];
        float[] weights = new float[0];
        float[] query = new float[0];
        float[] sums = new float[0];
        final float[] block = new float[2 * HEADS_PER_PASS * Math.max(KEY_ROWS, F.length())];

        void reserve(int positions, int headDim) {
            if (scores.length < HEADS_PER_PASS * positions) {
                scores = new float[Math.max(HEADS_PER_PASS * positions, 2 * scores.length)];
                weights = new float[scores.length];
            }
            if (query.length < HEADS_PER_PASS * headDim) {
                query = new float[HEADS_PER_PASS * headDim];
                sums = new float[HEADS_PER_PASS * headDim];
            }
        }
    }

    private AttentionKernel() {
    }

    /**
     * One layer's attention inputs: the step, the cache, the queries ({@code qCols} per token), the shape, and the
     * block products for an f16 cache ({@link #VECTOR} or libbitnet_cpu's, where they take the shape).
     */
    record Layer(ForwardBatch batch, CpuKvCache cache, int layer, float[] q, int qCols, int heads, int headDim,
                 AttentionBlocks blocks) {
    }

    /** The f16 block products of this class: halves read as their value times 2^-112 (see the class comment). */
    static final AttentionBlocks VECTOR = new AttentionBlocks() {
        @Override
        public int exponent() {
            return 112;
        }

        @Override
        public boolean splitSums() {
            return true;
        }

        @Override
        public boolean supports(int blockSize, int headDim) {
            return blockSize % KEY_ROWS == 0;
        }

        @Override
        public void scores(short[] keys, int at, int blockSize, int rows, float[] qs, int headDim, float scale,
                           float[] scores, int p, int len, float[] tmp) {
            for (int r = 0; r < rows; r += blockSize) {
                scoreBlockF16(keys, at + r * headDim, blockSize, Math.min(blockSize, rows - r), qs, headDim, scale, scores, p + r, len, tmp);
            }
        }

        @Override
        public void sums(short[] values, int at, int blockSize, int rows, float[] sums, int headDim, float[] weights, int p) {
            for (int r = 0; r < rows; r += blockSize) sumBlock(values, at + r * headDim, Math.min(blockSize, rows - r), sums, headDim, weights, p + r);
        }
    };

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
            else pass(l, token, h, k, from, to, dst, at, stats, statsAt, scratch.scores, scratch.block);
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

    /**
     * {@link #pass} for an f16 cache, reading two halves per int lane (see the class comment). Its loops over
     * dimensions and positions sit in small methods of their own: a pass that held them took C2 ~130 ms to compile,
     * and it was compiled six times in a one-shot generation (on-stack replacements, then recompilations as the
     * context grew past a vector length), ~0.75 s of a 2-core machine's first second of decoding.
     */
    private static void passF16(Layer l, int token, int head, int k, int from, int to, float[] dst, int dstAt,
                                float[] stats, int statsAt, Scratch scratch) {
        int headDim = l.headDim, kvHead = head / (l.heads / l.cache.spec.kvHeads());
        int blockSize = l.batch.blockSize();
        AttentionBlocks blocks = l.blocks.supports(blockSize, headDim) ? l.blocks : VECTOR;
        boolean vectorScores = blocks.supports(blockSize, headDim); // else VECTOR's scalar fallback
        int[] table = l.batch.blockTables()[l.batch.seqIndex()[token]];
        int len = to - from; // scores[j * len + p - from]: head j, position p
        float[] scores = scratch.scores, qs = scratch.query, sums = scratch.sums;
        int excess = scaleQueries(l.q, token * l.qCols + head * headDim, k, headDim, blocks.exponent(), qs);
        float scale = (float) (1.0 / Math.sqrt(headDim)) * Math.scalb(1f, excess);
        int blocksInRange = (len + blockSize - 1) / blockSize, first = from / blockSize;
        for (int b = first, p = 0; p < len; ) { // runs of blocks that lie one after the other in a slab
            int n = l.cache.run(table, b, first + blocksInRange - b), rows = Math.min(n * blockSize, len - p);
            short[] keys = (short[]) l.cache.keys(l.layer, kvHead, table[b]);
            int at = l.cache.keyOffset(table[b]);
            if (vectorScores) blocks.scores(keys, at, blockSize, rows, qs, headDim, scale, scores, p, len, scratch.block);
            else for (int r = 0; r < rows; r += blockSize) { // keys of consecutive blocks lie blockSize * headDim apart
                scoreBlockScalar(keys, at + r * headDim, blockSize, Math.min(blockSize, rows - r), qs, 0, 1, 2, 3,
                        HEADS_PER_PASS, headDim, -blocks.exponent(), scale, scores, p + r, len);
            }
            b += n;
            p += n * blockSize;
        }
        // softmax weights times 2^exponent (they meet values read without it); rows of heads past k weigh nothing
        float factor = Math.scalb(1f, blocks.exponent());
        for (int j = 0; j < k; j++) softmax(scores, j * len, len, factor, stats, stats == null ? 0 : statsAt + 2 * j);
        java.util.Arrays.fill(scores, k * len, HEADS_PER_PASS * len, 0f);
        interleave(scores, len, scratch.weights);
        java.util.Arrays.fill(sums, 0, HEADS_PER_PASS * headDim, 0f);
        for (int b = first, p = 0; p < len; ) {
            int n = l.cache.run(table, b, first + blocksInRange - b), rows = Math.min(n * blockSize, len - p);
            short[] values = (short[]) l.cache.values(l.layer, kvHead, table[b]);
            blocks.sums(values, l.cache.offset(table[b], 0), blockSize, rows, sums, headDim, scratch.weights, p);
            b += n;
            p += n * blockSize;
        }
        if (blocks.splitSums()) unsplit(sums, k, headDim, dst, dstAt);
        else System.arraycopy(sums, 0, dst, dstAt, k * headDim);
    }

    /**
     * The {@code k} queries from {@code q[base..]} times 2^(exponent - excess), interleaved into {@code qs[d * 4 + j]}
     * (head j, dimension d; heads past k repeat the last one), so that a dimension's four values are one load apart;
     * returns excess, the part of the scaling left to the scores for queries large enough to overflow.
     */
    private static int scaleQueries(float[] q, int base, int k, int headDim, int exponent, float[] qs) {
        float amax = 0f;
        for (int i = base; i < base + k * headDim; i++) amax = Math.max(amax, Math.abs(q[i]));
        int excess = LmHeadKernel.excess(amax);
        float pre = Math.scalb(1f, exponent - excess);
        for (int j = 0; j < HEADS_PER_PASS; j++) {
            int src = base + Math.min(j, k - 1) * headDim;
            for (int d = 0; d < headDim; d++) qs[d * HEADS_PER_PASS + j] = q[src + d] * pre;
        }
        return excess;
    }

    /** {@code weights[p * 4 + j] = scores[j * len + p]}: a position's four weights side by side for {@link #sumBlock}. */
    private static void interleave(float[] scores, int len, float[] weights) {
        for (int p = 0; p < len; p++) {
            weights[HEADS_PER_PASS * p] = scores[p];
            weights[HEADS_PER_PASS * p + 1] = scores[len + p];
            weights[HEADS_PER_PASS * p + 2] = scores[2 * len + p];
            weights[HEADS_PER_PASS * p + 3] = scores[3 * len + p];
        }
    }

    /** The first k heads' split sums (even dimensions, then odd ones) back in order at {@code dst[dstAt..]}. */
    private static void unsplit(float[] sums, int k, int headDim, float[] dst, int dstAt) {
        int half = headDim / 2;
        for (int j = 0; j < k; j++) {
            for (int p = 0; p < half; p++) {
                dst[dstAt + j * headDim + 2 * p] = sums[j * headDim + p];
                dst[dstAt + j * headDim + 2 * p + 1] = sums[j * headDim + half + p];
            }
        }
    }

    /**
     * Scores of a block's rows [0, rows) (positions p.. of the range) for the four heads of {@code qs} (interleaved,
     * see {@link #scaleQueries}): scores[j * len + p + row]. The block's keys are transposed ({@link CpuKvCache}):
     * for dimension d, its rows' halves lie side by side from {@code at + d * blockSize}, so one int-lane load holds
     * {@link #KEY_ROWS} rows, their even and odd rows widened apart, and each dimension adds one broadcast query
     * element times those rows: no horizontal sums per row. The sums of the even and odd rows, in separate
     * accumulators, are put back in row order through {@code tmp}.
     */
    private static void scoreBlockF16(short[] keys, int at, int blockSize, int rows, float[] qs, int headDim, float scale,
                                      float[] scores, int p, int len, float[] tmp) {
        int half = KI.length();
        for (int g = 0; g < rows; g += KEY_ROWS) {
            FloatVector e0 = FloatVector.zero(KF), e1 = e0, e2 = e0, e3 = e0, o0 = e0, o1 = e0, o2 = e0, o3 = e0;
            for (int d = 0, row = at + g; d < headDim; d++, row += blockSize) {
                IntVector w = ShortVector.fromArray(KH, keys, row).reinterpretAsInts();
                FloatVector even = LmHeadKernel.evenHalves(w), odd = LmHeadKernel.oddHalves(w);
                int qd = HEADS_PER_PASS * d; // one base for the four loads: C2 kept four offsets on the stack before
                FloatVector q0 = FloatVector.broadcast(KF, qs[qd]), q1 = FloatVector.broadcast(KF, qs[qd + 1]);
                FloatVector q2 = FloatVector.broadcast(KF, qs[qd + 2]), q3 = FloatVector.broadcast(KF, qs[qd + 3]);
                e0 = even.fma(q0, e0);
                o0 = odd.fma(q0, o0);
                e1 = even.fma(q1, e1);
                o1 = odd.fma(q1, o1);
                e2 = even.fma(q2, e2);
                o2 = odd.fma(q2, o2);
                e3 = even.fma(q3, e3);
                o3 = odd.fma(q3, o3);
            }
            e0.intoArray(tmp, 0);
            o0.intoArray(tmp, half);
            e1.intoArray(tmp, 2 * half);
            o1.intoArray(tmp, 3 * half);
            e2.intoArray(tmp, 4 * half);
            o2.intoArray(tmp, 5 * half);
            e3.intoArray(tmp, 6 * half);
            o3.intoArray(tmp, 7 * half);
            int n = Math.min(KEY_ROWS, rows - g);
            for (int j = 0; j < HEADS_PER_PASS; j++) {
                for (int r = 0; r < n; r++) scores[j * len + p + g + r] = tmp[(2 * j + (r & 1)) * half + (r >> 1)] * scale;
            }
        }
    }

    /**
     * Scores of a block's rows [0, rows) for four heads whose queries start at q0..q3, transposed keys of either type
     * (see {@link #scoreBlockF16}), {@code F.length()} rows per load: scores[j * len + p + row].
     */
    private static void scoreBlock(Object keys, int at, int blockSize, int rows, float[] q, int q0, int q1, int q2, int q3,
                                   int headDim, float scale, float[] scores, int p, int len, float[] tmp) {
        int n = F.length();
        for (int g = 0; g < rows; g += n) {
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            for (int d = 0, row = at + g; d < headDim; d++, row += blockSize) {
                FloatVector key = load(keys, row);
                a0 = key.fma(FloatVector.broadcast(F, q[q0 + d]), a0);
                a1 = key.fma(FloatVector.broadcast(F, q[q1 + d]), a1);
                a2 = key.fma(FloatVector.broadcast(F, q[q2 + d]), a2);
                a3 = key.fma(FloatVector.broadcast(F, q[q3 + d]), a3);
            }
            a0.intoArray(tmp, 0);
            a1.intoArray(tmp, n);
            a2.intoArray(tmp, 2 * n);
            a3.intoArray(tmp, 3 * n);
            for (int j = 0; j < HEADS_PER_PASS; j++) {
                for (int r = 0; r < Math.min(n, rows - g); r++) scores[j * len + p + g + r] = tmp[j * n + r] * scale;
            }
        }
    }

    /**
     * {@link #scoreBlock} one row at a time, for block sizes that are not a multiple of the vector's rows: the four
     * heads' dimension d at {@code q[qj + d * qStride]}; keys are widened and multiplied by 2^{@code keyExponent}
     * (-112 where the queries carry 2^112).
     */
    private static void scoreBlockScalar(Object keys, int at, int blockSize, int rows, float[] q, int q0, int q1, int q2,
                                         int q3, int qStride, int headDim, int keyExponent, float scale, float[] scores,
                                         int p, int len) {
        for (int r = 0; r < rows; r++) {
            float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
            for (int d = 0; d < headDim; d++) {
                float key = Math.scalb(get(keys, at + d * blockSize + r), keyExponent);
                int qd = d * qStride;
                s0 += key * q[q0 + qd];
                s1 += key * q[q1 + qd];
                s2 += key * q[q2 + qd];
                s3 += key * q[q3 + qd];
            }
            scores[p + r] = s0 * scale;
            scores[len + p + r] = s1 * scale;
            scores[2 * len + p + r] = s2 * scale;
            scores[3 * len + p + r] = s3 * scale;
        }
    }

    /**
     * Adds the value rows of positions p.. p + rows - 1 (consecutive rows of one block from {@code at}), weighted by
     * each head's softmax weight (times 2^112, interleaved: {@code weights[4 * position + j]}), to the split sums of
     * the four heads. A block's rows sit in L1, so the sums of one vector of pairs stay in registers over the block's
     * rows and meet memory once per block.
     */
    private static void sumBlock(short[] values, int at, int rows, float[] sums, int headDim, float[] weights, int p) {
        int half = headDim / 2, bound = I.loopBound(half), step = I.length();
        int i = 0;
        for (; i < bound; i += step) {
            FloatVector e0 = FloatVector.zero(F), e1 = e0, e2 = e0, e3 = e0, o0 = e0, o1 = e0, o2 = e0, o3 = e0;
            for (int r = 0; r < rows; r++) {
                IntVector w = ShortVector.fromArray(H, values, at + r * headDim + 2 * i).reinterpretAsInts();
                FloatVector even = LmHeadKernel.evenHalves(w), odd = LmHeadKernel.oddHalves(w);
                int wr = HEADS_PER_PASS * (p + r);
                FloatVector w0 = FloatVector.broadcast(F, weights[wr]), w1 = FloatVector.broadcast(F, weights[wr + 1]);
                FloatVector w2 = FloatVector.broadcast(F, weights[wr + 2]), w3 = FloatVector.broadcast(F, weights[wr + 3]);
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
                    float wj = weights[HEADS_PER_PASS * (p + r) + j];
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
                             float[] stats, int statsAt, float[] scores, float[] blockScores) {
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
        for (int b = from / blockSize, p = 0; p < len; b++, p += blockSize) {
            Object keys = l.cache.keys(l.layer, kvHead, table[b]);
            int rows = Math.min(blockSize, len - p), at = l.cache.keyOffset(table[b]);
            if (blockSize % F.length() == 0) scoreBlock(keys, at, blockSize, rows, q, q0, q1, q2, q3, headDim, scale, scores, p, len, blockScores);
            else scoreBlockScalar(keys, at, blockSize, rows, q, q0, q1, q2, q3, 1, headDim, 0, scale, scores, p, len);
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
