package dev.bitnet.backend.cpu;

import dev.bitnet.backend.Backend;
import dev.bitnet.backend.ForwardBatch;
import dev.bitnet.backend.KvCache;
import dev.bitnet.backend.KvCacheSpec;
import dev.bitnet.backend.ScalarMath;
import dev.bitnet.backend.Tensor;
import dev.bitnet.model.Activation;
import dev.bitnet.quant.F16Matrix;
import dev.bitnet.quant.TernaryMatrix;

/**
 * The CPU backend: BitLinear and the LM head on {@link MatrixKernels} (2-bit weights with exact integer sums, f16 or
 * int8 head rows), attention on f32 vectors, all split over a {@link WorkerPool} by contiguous row ranges. The cheap
 * element-wise operations (RMSNorm, quantisation, RoPE, activation, residual add) give exactly the reference
 * backend's results ({@link ScalarMath}, some of it on vectors in {@link VectorMath}), so the backends differ only in
 * the summation order of attention and logits. Backend {@code cpu}
 * multiplies with the Vector API ({@link VectorKernels}), {@code cpu-native} with libbitnet_cpu
 * ({@link NativeKernels}).
 */
public final class CpuBackend implements Backend {
    private final String name;
    private final MatrixKernels kernels;
    private final WorkerPool pool;
    private final RopeTable rope = new RopeTable();
    private final WeightPrefetch prefetch;
    private float[] greedyLogits = new float[0];
    private static final int ATTENTION_TASKS_PER_THREAD = 4, MIN_RANGE_POSITIONS = 128;
    private float[] rangeSums = new float[0], rangeStats = new float[0]; // attention over split sequences
    private ForwardBatch batch;
    private final AttentionKernel.Scratch[] scratch;
    private final float[][] squareSums; // per worker, RMSNorm's partial sums
    private final Tensor[] oneWeight = new Tensor[1], oneOut = new Tensor[1]; // steps run one at a time

    /** The Vector API backend ({@code cpu}). */
    public CpuBackend(int threads) {
        this("cpu", new VectorKernels(), threads);
    }

    CpuBackend(String name, MatrixKernels kernels, int threads) {
        this.name = name;
        this.kernels = kernels;
        this.pool = new WorkerPool(threads);
        this.prefetch = new WeightPrefetch(pool);
        this.scratch = new AttentionKernel.Scratch[pool.threads()];
        for (int w = 0; w < scratch.length; w++) scratch[w] = new AttentionKernel.Scratch();
        this.squareSums = new float[pool.threads()][ScalarMath.SQUARE_SUM_LANES];
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return name + " (" + kernels.description() + ", " + pool.threads() + (pool.threads() == 1 ? " thread)" : " threads)");
    }

    @Override
    public Tensor loadTernary(TernaryMatrix weight) {
        return kernels.packTernary(weight, pool::run); // rows repacked on every worker: most of a model's load time
    }

    @Override
    public Tensor loadVector(float[] values) {
        return new CpuTensors.Floats(1, values.length, values.clone());
    }

    @Override
    public Tensor loadEmbedding(F16Matrix embedding) {
        return new CpuTensors.Embedding(embedding);
    }

    @Override
    public Tensor loadLmHead(dev.bitnet.quant.Int8RowMatrix lmHead) {
        return new CpuTensors.Int8Head(lmHead);
    }

    @Override
    public Tensor allocActivations(int maxTokens, int width) {
        return new CpuTensors.Floats(maxTokens, width, new float[Math.multiplyExact(maxTokens, width)]);
    }

    @Override
    public KvCache allocKvCache(KvCacheSpec spec) {
        return new CpuKvCache(spec);
    }

    @Override
    public void beginStep(ForwardBatch batch) {
        this.batch = batch;
    }

    private int n() {
        return batch.tokenCount();
    }

    /** Runs a per-token task over the step's tokens: split over the workers for a prompt chunk, inline for one token. */
    private void forTokens(WorkerPool.RangeTask task) {
        if (n() == 1) task.run(0, 1, 0);
        else pool.run(n(), task);
    }

    private static float[] f(Tensor t) {
        return ((CpuTensors.Floats) t).data();
    }

    @Override
    public void embed(Tensor embedding, Tensor out) {
        F16Matrix e = ((CpuTensors.Embedding) embedding).matrix();
        float[] o = f(out), row = new float[e.cols()];
        for (int i = 0; i < n(); i++) {
            e.row(batch.tokens()[i], row);
            System.arraycopy(row, 0, o, i * e.cols(), e.cols());
        }
    }

    @Override
    public void rmsNorm(Tensor x, Tensor weight, float eps, Tensor out) {
        int d = x.cols();
        float[] in = f(x), w = f(weight), o = f(out);
        forTokens((from, to, worker) -> {
            for (int i = from; i < to; i++) VectorMath.rmsNorm(in, i * d, w, eps, o, i * d, d, squareSums[worker]);
        });
    }

    @Override
    public void bitLinear(Tensor x, Tensor weight, Tensor out) {
        oneWeight[0] = weight;
        oneOut[0] = out;
        bitLinear(x, oneWeight, oneOut);
    }

    /** One quantisation of x, then the rows of all the weights split over the workers as one range. */
    @Override
    public void bitLinear(Tensor x, Tensor[] weights, Tensor[] outs) {
        int tokens = n();
        float[] in = f(x);
        kernels.reserve(tokens, weights[0]);
        forTokens((from, to, worker) -> kernels.quantize(in, from, to, weights[0]));
        int totalRows = 0;
        for (Tensor w : weights) totalRows += w.rows();
        prefetch.before(weights[0]);
        pool.run(totalRows, (from, to, worker) -> {
            int start = 0;
            for (int m = 0; m < weights.length && start < to; m++) {
                int rows = weights[m].rows(), lo = Math.max(from - start, 0), hi = Math.min(to - start, rows);
                if (lo < hi) kernels.ternaryRows(weights[m], lo, hi, tokens, f(outs[m]));
                start += rows;
            }
        });
        prefetch.after(weights[0]);
    }

    @Override
    public void rope(Tensor x, int heads, int headDim, float theta) {
        float[] v = f(x);
        for (int i = 0; i < n(); i++) {
            RopeTable.Angles a = rope.angles(batch.positions()[i], headDim, theta);
            for (int h = 0; h < heads; h++) ScalarMath.ropeHead(v, i * x.cols() + h * headDim, headDim, a.cos(), a.sin());
        }
    }

    @Override
    public void storeKv(KvCache cache, int layer, Tensor k, Tensor v) {
        CpuKvCache c = (CpuKvCache) cache;
        int d = c.spec.kvDim();
        float[] kk = f(k), vv = f(v);
        for (int i = 0; i < n(); i++) c.store(layer, batch.slot(i), kk, i * d, vv, i * d);
    }

    /**
     * A task is one token's query heads of one KV head (they read the same cache rows) over one range of its
     * positions. A sequence is split into ranges (flash-decoding's split-K) when there would be fewer than
     * {@link #ATTENTION_TASKS_PER_THREAD} tasks per worker, ranges of at least {@link #MIN_RANGE_POSITIONS}: decode
     * of 2B4T's 5 KV heads on 2 threads is 5 tasks otherwise, one worker doing 3 of them; the ranges are merged after.
     */
    @Override
    public void attention(Tensor q, KvCache cache, int layer, int heads, int headDim, Tensor out) {
        CpuKvCache c = (CpuKvCache) cache;
        float[] o = f(out);
        int tokens = n(), kvHeads = c.spec.kvHeads(), group = heads / kvHeads, blockSize = batch.blockSize();
        int maxLen = 0;
        for (int i = 0; i < tokens; i++) maxLen = Math.max(maxLen, batch.positions()[i] + 1);
        int split = rangesPerSequence(tokens * kvHeads, maxLen);
        int blocksPerPart = ((maxLen + blockSize - 1) / blockSize + split - 1) / split;
        for (AttentionKernel.Scratch s : scratch) s.reserve(Math.min(maxLen, blocksPerPart * blockSize), headDim);
        if (split > 1 && (rangeSums.length < tokens * heads * split * headDim)) {
            rangeSums = new float[tokens * heads * split * headDim];
            rangeStats = new float[tokens * heads * split * 2];
        }
        AttentionKernel.Layer l = new AttentionKernel.Layer(batch, c, layer, f(q), q.cols(), heads, headDim,
                kernels.attentionBlocks());
        pool.run(tokens * kvHeads * split, (from, to, worker) -> {
            for (int t = from; t < to; t++) {
                int token = t / (kvHeads * split), kvHead = t / split % kvHeads, part = t % split, head = kvHead * group;
                int len = batch.positions()[token] + 1;
                if (split == 1) {
                    AttentionKernel.run(l, token, head, group, 0, len, o, token * out.cols() + head * headDim, null, 0, scratch[worker]);
                    continue;
                }
                // range `part` of the token's heads: sums at [token][part][head][headDim], (max, sum) at [token][part][head]
                int first = (token * split + part) * heads + head, start = part * blocksPerPart * blockSize;
                int end = Math.min(len, start + blocksPerPart * blockSize);
                if (start < end) {
                    AttentionKernel.run(l, token, head, group, start, end, rangeSums, first * headDim, rangeStats, 2 * first, scratch[worker]);
                } else {
                    for (int h = 0; h < group; h++) {
                        rangeStats[2 * (first + h)] = Float.NEGATIVE_INFINITY;
                        rangeStats[2 * (first + h) + 1] = 0f;
                    }
                }
            }
        });
        if (split == 1) return;
        for (int token = 0; token < tokens; token++) {
            for (int h = 0; h < heads; h++) {
                int first = token * split * heads + h;
                AttentionKernel.merge(split, heads, headDim, rangeSums, rangeStats, first, o, token * out.cols() + h * headDim);
            }
        }
    }

    /** Ranges per sequence: doubled while there are too few tasks per worker and each range keeps enough positions. */
    private int rangesPerSequence(int unsplitTasks, int maxLen) {
        int parts = 1;
        while (unsplitTasks * parts < ATTENTION_TASKS_PER_THREAD * pool.threads() && maxLen >= 2 * parts * MIN_RANGE_POSITIONS) parts *= 2;
        return parts;
    }

    @Override
    public void gatedActivation(Tensor gate, Tensor up, Activation act, Tensor out) {
        float[] g = f(gate), u = f(up), o = f(out);
        int d = gate.cols();
        forTokens((from, to, worker) -> {
            if (act == Activation.RELU2) VectorMath.squaredReluGate(g, u, o, from * d, to * d);
            else for (int i = from * d; i < to * d; i++) o[i] = act.apply(g[i]) * u[i];
        });
    }

    @Override
    public void add(Tensor x, Tensor y) {
        float[] a = f(x), b = f(y);
        int d = x.cols();
        forTokens((from, to, worker) -> {
            for (int i = from * d; i < to * d; i++) a[i] += b[i];
        });
    }

    @Override
    public void logits(Tensor x, Tensor lmHead, float[] out) {
        kernels.prepareHead(f(x), batch.logitRows(), lmHead);
        prefetch.before(lmHead);
        pool.run(lmHead.rows(), (from, to, worker) -> kernels.headRows(lmHead, from, to, out));
        prefetch.after(lmHead);
    }

    /** {@link Backend#greedy} with the logits in a buffer kept from step to step (2B4T's are 0.5 MB a token). */
    @Override
    public void greedy(Tensor x, Tensor lmHead, int[] ids) {
        int vocab = lmHead.rows();
        if (greedyLogits.length < ids.length * vocab) greedyLogits = new float[ids.length * vocab];
        logits(x, lmHead, greedyLogits);
        for (int k = 0; k < ids.length; k++) ids[k] = ScalarMath.argmax(greedyLogits, k * vocab, vocab);
    }

    @Override
    public void free(Tensor t) {
    }

    @Override
    public void close() {
        pool.close();
        if (kernels instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
