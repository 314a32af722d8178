package dev.bitnet.backend.cpu;

import dev.bitnet.backend.ForwardBatch;
import dev.bitnet.backend.KvCache;
import dev.bitnet.backend.KvCacheSpec;
import dev.bitnet.backend.KvType;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The CPU backend's attention against the formula computed here in double precision, from keys and values rounded to
 * the cache type: every query-head group size (1, 3, 4, 8 heads per KV head, so whole and partial passes of
 * {@link AttentionKernel#HEADS_PER_PASS}), head dimensions that are and are not a multiple of the vector length,
 * blocks out of order, a prompt step then a decode step, 1-3 threads (which split a token's heads differently), and
 * extreme values: large queries (3e4) against keys that are mostly subnormal as halves, values every third of which
 * is (the widening's subnormal branch).
 */
class AttentionTest {
    private record Shape(int heads, int kvHeads, int headDim, boolean extreme) {
        Shape(int heads, int kvHeads, int headDim) {
            this(heads, kvHeads, headDim, false);
        }
    }

    private static final int BLOCK = 4;
    private static final int[] TABLE = {6, 2, 7, 0, 5};

    @Test
    void matchesTheFormula() {
        Shape[] shapes = {new Shape(4, 4, 12), new Shape(6, 2, 16), new Shape(8, 2, 64), new Shape(16, 2, 20),
                new Shape(20, 5, 128), new Shape(8, 2, 20, true), new Shape(20, 5, 128, true)};
        for (Shape s : shapes) {
            for (KvType type : KvType.values()) {
                for (int threads = 1; threads <= 3; threads++) check(s, type, threads);
            }
        }
    }

    private static void check(Shape s, KvType type, int threads) {
        SplittableRandom rnd = new SplittableRandom(s.heads() * 131L + s.headDim());
        int kvDim = s.kvHeads() * s.headDim(), qDim = s.heads() * s.headDim();
        int total = 10;
        float[] keys = new float[total * kvDim], values = new float[total * kvDim]; // as the cache holds them
        try (CpuBackend b = new CpuBackend(threads);
             KvCache cache = b.allocKvCache(new KvCacheSpec(1, s.kvHeads(), s.headDim(), BLOCK, 8, type))) {
            int[][] steps = {{0, 9}, {9, 1}}; // a 9-token prompt, then one decoded token
            for (int[] step : steps) {
                int start = step[0], n = step[1];
                b.beginStep(ForwardBatch.single(new int[n], start, TABLE, BLOCK));
                CpuTensors.Floats q = (CpuTensors.Floats) b.allocActivations(n, qDim);
                CpuTensors.Floats k = (CpuTensors.Floats) b.allocActivations(n, kvDim);
                CpuTensors.Floats v = (CpuTensors.Floats) b.allocActivations(n, kvDim);
                CpuTensors.Floats out = (CpuTensors.Floats) b.allocActivations(n, qDim);
                fill(q.data(), rnd, s.extreme() ? 3e4f : 1f, false);
                fill(k.data(), rnd, s.extreme() ? 1 / 3e4f : 1f, false); // scores stay moderate; most keys subnormal halves
                fill(v.data(), rnd, 1f, s.extreme());
                for (int i = 0; i < n * kvDim; i++) {
                    keys[start * kvDim + i] = round(k.data()[i], type);
                    values[start * kvDim + i] = round(v.data()[i], type);
                }
                b.storeKv(cache, 0, k, v);
                b.attention(q, cache, 0, s.heads(), s.headDim(), out);
                for (int t = 0; t < n; t++) {
                    for (int h = 0; h < s.heads(); h++) {
                        double[] expected = formula(q.data(), t * qDim + h * s.headDim(), keys, values,
                                h / (s.heads() / s.kvHeads()) * s.headDim(), kvDim, start + t + 1, s.headDim());
                        for (int i = 0; i < s.headDim(); i++) {
                            assertEquals(expected[i], out.data()[t * qDim + h * s.headDim() + i], 1e-5,
                                    s + " " + type + ", " + threads + " threads, position " + (start + t) + ", head " + h + ", value " + i);
                        }
                    }
                }
            }
        }
    }

    /**
     * Decode of two sequences in one step, 700 and 40 positions long: with few tasks per worker the long one is split
     * into ranges of positions that are merged after (and the short one has empty ranges), with one thread too.
     */
    @Test
    void longSequencesSplitIntoRangesMatchTheFormula() {
        Shape[] shapes = {new Shape(20, 5, 128), new Shape(8, 2, 20), new Shape(4, 1, 64)};
        int block = 16, longLen = 700, shortLen = 40;
        int[] longTable = new int[longLen / block + 1], shortTable = new int[shortLen / block + 1];
        for (int b = 0; b < longTable.length; b++) longTable[b] = longTable.length - 1 - b; // out of order
        for (int b = 0; b < shortTable.length; b++) shortTable[b] = longTable.length + b;
        int[] lens = {longLen, shortLen};
        int[][] tables = {longTable, shortTable};
        for (Shape s : shapes) {
            for (KvType type : KvType.values()) {
                for (int threads = 1; threads <= 4; threads++) {
                    SplittableRandom rnd = new SplittableRandom(s.heads() * 7L + threads);
                    int kvDim = s.kvHeads() * s.headDim(), qDim = s.heads() * s.headDim();
                    float[][] keys = new float[2][], values = new float[2][];
                    try (CpuBackend b = new CpuBackend(threads);
                         KvCache cache = b.allocKvCache(new KvCacheSpec(1, s.kvHeads(), s.headDim(), block,
                                 longTable.length + shortTable.length, type))) {
                        for (int seq = 0; seq < 2; seq++) { // the context, and the decoded token's key and value
                            int n = lens[seq] + 1;
                            b.beginStep(ForwardBatch.single(new int[n], 0, tables[seq], block));
                            CpuTensors.Floats k = (CpuTensors.Floats) b.allocActivations(n, kvDim);
                            CpuTensors.Floats v = (CpuTensors.Floats) b.allocActivations(n, kvDim);
                            fill(k.data(), rnd, 1f, false);
                            fill(v.data(), rnd, 1f, false);
                            b.storeKv(cache, 0, k, v);
                            keys[seq] = k.data().clone();
                            values[seq] = v.data().clone();
                            for (int i = 0; i < n * kvDim; i++) {
                                keys[seq][i] = round(keys[seq][i], type);
                                values[seq][i] = round(values[seq][i], type);
                            }
                        }
                        b.beginStep(new ForwardBatch(new int[2], lens.clone(), new int[]{0, 1}, tables, new int[]{0, 1}, block));
                        CpuTensors.Floats q = (CpuTensors.Floats) b.allocActivations(2, qDim);
                        CpuTensors.Floats out = (CpuTensors.Floats) b.allocActivations(2, qDim);
                        fill(q.data(), rnd, 1f, false);
                        b.attention(q, cache, 0, s.heads(), s.headDim(), out);
                        for (int t = 0; t < 2; t++) {
                            for (int h = 0; h < s.heads(); h++) {
                                double[] expected = formula(q.data(), t * qDim + h * s.headDim(), keys[t], values[t],
                                        h / (s.heads() / s.kvHeads()) * s.headDim(), kvDim, lens[t] + 1, s.headDim());
                                for (int i = 0; i < s.headDim(); i++) {
                                    assertEquals(expected[i], out.data()[t * qDim + h * s.headDim() + i], 1e-5,
                                            s + " " + type + ", " + threads + " threads, sequence " + t + ", head " + h + ", value " + i);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * One prompt step of two sequences: 19 tokens of a new one and 11 more of one with 30 positions in the cache,
     * 16-position blocks (the vector path), 1-3 threads: each token sees its own sequence's blocks up to itself.
     */
    @Test
    void promptsOfTwoSequencesInOneStepMatchTheFormula() {
        int block = 16, context = 30, newLen = 19, more = 11;
        int[][] tables = {{3, 0}, {4, 1, 2}};
        Shape[] shapes = {new Shape(20, 5, 128), new Shape(8, 2, 20)};
        for (Shape s : shapes) {
            for (KvType type : KvType.values()) {
                for (int threads = 1; threads <= 3; threads++) {
                    SplittableRandom rnd = new SplittableRandom(s.heads() * 13L + threads);
                    int kvDim = s.kvHeads() * s.headDim(), qDim = s.heads() * s.headDim();
                    float[][] keys = {new float[newLen * kvDim], new float[(context + more) * kvDim]};
                    float[][] values = {new float[newLen * kvDim], new float[(context + more) * kvDim]};
                    try (CpuBackend b = new CpuBackend(threads);
                         KvCache cache = b.allocKvCache(new KvCacheSpec(1, s.kvHeads(), s.headDim(), block, 5, type))) {
                        b.beginStep(ForwardBatch.single(new int[context], 0, tables[1], block));
                        storeRandom(b, cache, context, kvDim, rnd, type, keys[1], values[1], 0);
                        int n = newLen + more;
                        int[] positions = new int[n], seq = new int[n];
                        for (int i = 0; i < n; i++) {
                            seq[i] = i < newLen ? 0 : 1;
                            positions[i] = i < newLen ? i : context + i - newLen;
                        }
                        b.beginStep(new ForwardBatch(new int[n], positions, seq, tables, new int[]{newLen - 1, n - 1}, block));
                        float[] k = new float[n * kvDim], v = new float[n * kvDim];
                        storeRandom(b, cache, n, kvDim, rnd, type, k, v, 0);
                        System.arraycopy(k, 0, keys[0], 0, newLen * kvDim);
                        System.arraycopy(v, 0, values[0], 0, newLen * kvDim);
                        System.arraycopy(k, newLen * kvDim, keys[1], context * kvDim, more * kvDim);
                        System.arraycopy(v, newLen * kvDim, values[1], context * kvDim, more * kvDim);
                        CpuTensors.Floats q = (CpuTensors.Floats) b.allocActivations(n, qDim);
                        CpuTensors.Floats out = (CpuTensors.Floats) b.allocActivations(n, qDim);
                        fill(q.data(), rnd, 1f, false);
                        b.attention(q, cache, 0, s.heads(), s.headDim(), out);
                        for (int t = 0; t < n; t++) {
                            for (int h = 0; h < s.heads(); h++) {
                                double[] expected = formula(q.data(), t * qDim + h * s.headDim(), keys[seq[t]], values[seq[t]],
                                        h / (s.heads() / s.kvHeads()) * s.headDim(), kvDim, positions[t] + 1, s.headDim());
                                for (int i = 0; i < s.headDim(); i++) {
                                    assertEquals(expected[i], out.data()[t * qDim + h * s.headDim() + i], 1e-5,
                                            s + " " + type + ", " + threads + " threads, token " + t + ", head " + h + ", value " + i);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** Stores random keys and values for the step's n tokens; copies them, rounded as the cache holds them, to keys[at..]. */
    private static void storeRandom(CpuBackend b, KvCache cache, int n, int kvDim, SplittableRandom rnd, KvType type,
                                    float[] keys, float[] values, int at) {
        CpuTensors.Floats k = (CpuTensors.Floats) b.allocActivations(n, kvDim);
        CpuTensors.Floats v = (CpuTensors.Floats) b.allocActivations(n, kvDim);
        fill(k.data(), rnd, 1f, false);
        fill(v.data(), rnd, 1f, false);
        b.storeKv(cache, 0, k, v);
        for (int i = 0; i < n * kvDim; i++) {
            keys[at + i] = round(k.data()[i], type);
            values[at + i] = round(v.data()[i], type);
        }
    }

    /** softmax(q·k_p / sqrt(d)) · v_p over positions 0..len-1 of one KV head. */
    private static double[] formula(float[] q, int qAt, float[] keys, float[] values, int kvAt, int kvDim, int len, int d) {
        double[] score = new double[len];
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (int p = 0; p < len; p++) {
            for (int i = 0; i < d; i++) score[p] += (double) q[qAt + i] * keys[p * kvDim + kvAt + i];
            score[p] /= Math.sqrt(d);
            max = Math.max(max, score[p]);
        }
        for (int p = 0; p < len; p++) sum += score[p] = Math.exp(score[p] - max);
        double[] out = new double[d];
        for (int p = 0; p < len; p++) {
            for (int i = 0; i < d; i++) out[i] += score[p] / sum * values[p * kvDim + kvAt + i];
        }
        return out;
    }

    /** Gaussian values times {@code scale}; with {@code tiny}, every third one below f16's smallest normal (6.1e-5). */
    private static void fill(float[] a, SplittableRandom rnd, float scale, boolean tiny) {
        for (int i = 0; i < a.length; i++) a[i] = (float) rnd.nextGaussian() * scale * (tiny && i % 3 == 0 ? 1e-5f : 1f);
    }

    private static float round(float x, KvType type) {
        return type == KvType.F16 ? Float.float16ToFloat(Float.floatToFloat16(x)) : x;
    }
}
