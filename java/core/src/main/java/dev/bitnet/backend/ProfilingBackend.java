package dev.bitnet.backend;

import dev.bitnet.model.Activation;
import dev.bitnet.quant.F16Matrix;
import dev.bitnet.quant.Int8RowMatrix;
import dev.bitnet.quant.TernaryMatrix;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A backend that runs another one and times each operation of a step (as llama.cpp's per-op timings or a profiler's
 * trace would): the wall time from the call to the end of {@link Backend#finish()} on the backend it wraps, so a
 * device backend's queued work is counted in the operation that queued it. Waiting after every operation keeps a
 * device from overlapping them, so profiled steps run slower than plain ones; time them apart.
 *
 * <p>Matrix products are told apart by shape ({@code bitLinear 3840x2560} for q, k and v together), and count the
 * weight bytes they read, so the profile shows the bandwidth each one reaches. Tensors, caches and results are the
 * wrapped backend's, untouched: a model loaded on it runs through this one unchanged. Closing this leaves the
 * wrapped backend open for its owner to close.
 */
public final class ProfilingBackend implements Backend {
    private final Backend b;
    private final Map<String, Timing> byName = new LinkedHashMap<>();
    private final Map<Object, Timing> byWeights = new IdentityHashMap<>(); // a product's weights (a Tensor or Tensor[])
    private int steps;

    /** Mutable totals of one kind of operation. */
    private static final class Timing {
        final String name;
        long calls, nanos, weightBytes;

        Timing(String name) {
            this.name = name;
        }
    }

    public ProfilingBackend(Backend backend) {
        this.b = backend;
    }

    /** The operations timed since this was made or last {@link #reset}, per kind. */
    public StepProfile profile() {
        List<StepProfile.Op> ops = new ArrayList<>();
        for (Timing t : byName.values()) ops.add(new StepProfile.Op(t.name, t.calls, t.nanos, t.weightBytes));
        return new StepProfile(steps, ops);
    }

    /** Forgets the timings so far (say, of warm-up steps). */
    public void reset() {
        byName.clear();
        byWeights.clear();
        steps = 0;
    }

    private Timing timing(String name) {
        return byName.computeIfAbsent(name, Timing::new);
    }

    /** The timing of a product with these weights, named by their shape: all their rows by the columns. */
    private Timing product(Object key, Tensor[] weights) {
        Timing t = byWeights.get(key);
        if (t == null) {
            int rows = 0;
            for (Tensor w : weights) rows += w.rows();
            byWeights.put(key, t = timing("bitLinear " + rows + "x" + weights[0].cols()));
        }
        return t;
    }

    // ---- not timed: set-up and bookkeeping ---------------------------------------------------------------------------

    @Override
    public String name() {
        return b.name();
    }

    @Override
    public String description() {
        return b.description();
    }

    @Override
    public Tensor loadTernary(TernaryMatrix weight) {
        return b.loadTernary(weight);
    }

    @Override
    public Tensor loadVector(float[] values) {
        return b.loadVector(values);
    }

    @Override
    public Tensor loadEmbedding(F16Matrix embedding) {
        return b.loadEmbedding(embedding);
    }

    @Override
    public boolean embeddingReadsFile() {
        return b.embeddingReadsFile();
    }

    @Override
    public Tensor loadLmHead(Int8RowMatrix lmHead) {
        return b.loadLmHead(lmHead);
    }

    @Override
    public Tensor allocActivations(int maxTokens, int width) {
        return b.allocActivations(maxTokens, width);
    }

    @Override
    public KvCache allocKvCache(KvCacheSpec spec) {
        return b.allocKvCache(spec);
    }

    @Override
    public void finish() {
        b.finish();
    }

    @Override
    public long deviceMemoryBytes() {
        return b.deviceMemoryBytes();
    }

    @Override
    public void free(Tensor t) {
        b.free(t);
    }

    @Override
    public void close() {
    }

    // ---- timed: the operations of a step -----------------------------------------------------------------------------

    /** Runs {@code op}, waits for the wrapped backend, and adds the time to {@code t}'s. */
    private void timed(Timing t, long weightBytes, Runnable op) {
        long start = System.nanoTime();
        op.run();
        b.finish();
        t.nanos += System.nanoTime() - start;
        t.calls++;
        t.weightBytes += weightBytes;
    }

    private void timed(String name, Runnable op) {
        timed(timing(name), 0, op);
    }

    @Override
    public void beginStep(ForwardBatch batch) {
        timed("beginStep", () -> b.beginStep(batch));
        steps++;
    }

    @Override
    public void embed(Tensor embedding, Tensor out) {
        timed("embed", () -> b.embed(embedding, out));
    }

    @Override
    public void rmsNorm(Tensor x, Tensor weight, float eps, Tensor out) {
        timed("rmsNorm", () -> b.rmsNorm(x, weight, eps, out));
    }

    @Override
    public void bitLinear(Tensor x, Tensor weight, Tensor out) {
        timed(product(weight, new Tensor[]{weight}), weight.bytes(), () -> b.bitLinear(x, weight, out));
    }

    @Override
    public void bitLinear(Tensor x, Tensor[] weights, Tensor[] outs) {
        long bytes = 0;
        for (Tensor w : weights) bytes += w.bytes();
        timed(product(weights, weights), bytes, () -> b.bitLinear(x, weights, outs));
    }

    @Override
    public void rope(Tensor x, int heads, int headDim, float theta) {
        timed("rope", () -> b.rope(x, heads, headDim, theta));
    }

    @Override
    public void storeKv(KvCache cache, int layer, Tensor k, Tensor v) {
        timed("storeKv", () -> b.storeKv(cache, layer, k, v));
    }

    @Override
    public void attention(Tensor q, KvCache cache, int layer, int heads, int headDim, Tensor out) {
        timed("attention", () -> b.attention(q, cache, layer, heads, headDim, out));
    }

    @Override
    public void gatedActivation(Tensor gate, Tensor up, Activation act, Tensor out) {
        timed("gatedActivation", () -> b.gatedActivation(gate, up, act, out));
    }

    @Override
    public void add(Tensor x, Tensor y) {
        timed("add", () -> b.add(x, y));
    }

    @Override
    public void logits(Tensor x, Tensor lmHead, float[] out) {
        timed(timing("lmHead"), lmHead.bytes(), () -> b.logits(x, lmHead, out));
    }

    @Override
    public void greedy(Tensor x, Tensor lmHead, int[] ids) {
        timed(timing("lmHead + argmax"), lmHead.bytes(), () -> b.greedy(x, lmHead, ids));
    }
}
