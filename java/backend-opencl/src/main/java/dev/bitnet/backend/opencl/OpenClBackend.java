package dev.bitnet.backend.opencl;

import dev.bitnet.backend.Backend;
import dev.bitnet.backend.ForwardBatch;
import dev.bitnet.backend.KvCache;
import dev.bitnet.backend.KvCacheSpec;
import dev.bitnet.backend.KvType;
import dev.bitnet.backend.ScalarMath;
import dev.bitnet.backend.Tensor;
import dev.bitnet.backend.opencl.ClKernel.Local;
import dev.bitnet.backend.opencl.ClTensors.Floats;
import dev.bitnet.backend.opencl.ClTensors.Halfs;
import dev.bitnet.backend.opencl.ClTensors.Int8Rows;
import dev.bitnet.backend.opencl.ClTensors.Ternary;
import dev.bitnet.model.Activation;
import dev.bitnet.quant.F16Matrix;
import dev.bitnet.quant.Int8RowMatrix;
import dev.bitnet.quant.TernaryMatrix;
import org.jocl.Pointer;
import org.jocl.cl_mem;
import org.jocl.cl_program;

import java.util.EnumMap;
import java.util.Map;

/**
 * The OpenCL backend: every tensor lives in device buffers, every operation is a kernel of kernels/opencl enqueued
 * on one in-order queue. Per step only the batch (token ids, positions, slots, block tables) goes up, and only
 * logits (or, for greedy decoding, one id per sequence) come back.
 */
public final class OpenClBackend implements Backend {
    /** Tokens that share one decoded weight word in ternary_matmul (prefill and batched decode). */
    static final int TOKEN_TILE = 8;

    private final ClRuntime rt;
    /** Work-items sharing one weight row in the row kernels: a warp on GPUs, 1 on CPU devices (common.cl). */
    private final int rowThreads;
    private final ClKernel embed, rmsNorm, quantize, ternaryMatmul, rope, gatedActivation, add, lmHeadF16, lmHeadI8, argmax;
    private final Map<KvType, KvKernels> kvKernels = new EnumMap<>(KvType.class);
    private final DeviceScratch tokens, positions, seqIndex, slots, blockTables, logitRows;
    private final DeviceScratch quantized, quantScales, scores, logitsOut, ids;
    private final RopeTables ropeTables;

    // the current step
    private int n, maxBlocks, maxLength;
    private int[] logitRowIndex = new int[0];

    private record KvKernels(ClKernel store, ClKernel attention) {
    }

    OpenClBackend(ClDevice device) {
        this(device, device.gpu() ? (int) Math.min(32, Long.highestOneBit(device.maxWorkGroupSize())) : 1);
    }

    /** With a given number of work-items per weight row (tests run the GPU layout on CPU devices too). */
    OpenClBackend(ClDevice device, int rowThreads) {
        rt = new ClRuntime(device);
        this.rowThreads = rowThreads;
        try {
            cl_program p = rt.build("bitnet.cl", buildOptions() + " -DTOKEN_TILE=" + TOKEN_TILE);
            embed = new ClKernel(rt, p, "embed");
            rmsNorm = new ClKernel(rt, p, "rms_norm");
            quantize = new ClKernel(rt, p, "quantize");
            ternaryMatmul = new ClKernel(rt, p, "ternary_matmul");
            rope = new ClKernel(rt, p, "rope");
            gatedActivation = new ClKernel(rt, p, "gated_activation");
            add = new ClKernel(rt, p, "add");
            lmHeadF16 = new ClKernel(rt, p, "lm_head_f16");
            lmHeadI8 = new ClKernel(rt, p, "lm_head_i8");
            argmax = new ClKernel(rt, p, "argmax");
        } catch (RuntimeException e) {
            rt.close();
            throw e;
        }
        tokens = new DeviceScratch(rt, "the step's token ids");
        positions = new DeviceScratch(rt, "the step's positions");
        seqIndex = new DeviceScratch(rt, "the step's sequence indices");
        slots = new DeviceScratch(rt, "the step's KV slots");
        blockTables = new DeviceScratch(rt, "the step's block tables");
        logitRows = new DeviceScratch(rt, "the step's logit rows");
        quantized = new DeviceScratch(rt, "quantised activations");
        quantScales = new DeviceScratch(rt, "activation scales");
        scores = new DeviceScratch(rt, "attention scores");
        logitsOut = new DeviceScratch(rt, "logits");
        ids = new DeviceScratch(rt, "greedy ids");
        ropeTables = new RopeTables(rt);
    }

    private String buildOptions() {
        return "-cl-std=CL1.2 -DROW_THREADS=" + rowThreads;
    }

    @Override
    public String name() {
        return "opencl";
    }

    @Override
    public String description() {
        ClDevice d = rt.device;
        return "opencl:" + d.selector() + " (" + d.name() + ", " + d.type() + ", " + d.openclVersion() + ")";
    }

    // ---- weights ---------------------------------------------------------------------------------------------------

    private int[] packScratch = new int[0];

    @Override
    public Tensor loadTernary(TernaryMatrix w) {
        int words = Ternary.wordsPerRow(w.cols());
        int total = Math.multiplyExact(w.rows(), words);
        if (packScratch.length < total) packScratch = new int[total];
        int[] packed = packScratch;
        byte[] t = w.trits();
        for (int r = 0; r < w.rows(); r++) {
            for (int j = 0; j < words; j++) {
                int word = 0;
                for (int k = 0; k < Ternary.COLS_PER_WORD; k++) {
                    int c = j * Ternary.COLS_PER_WORD + k;
                    int code = c < w.cols() ? t[r * w.cols() + c] + 1 : 1; // padding: code 1 = trit 0
                    word |= code << (2 * k);
                }
                packed[r * words + j] = word;
            }
        }
        cl_mem m = rt.alloc(4L * total, "ternary weight " + w.name());
        rt.write(m, 0, Pointer.to(packed), 4L * total);
        return new Ternary(m, w.rows(), w.cols(), words, w.scale());
    }

    @Override
    public Tensor loadVector(float[] values) {
        cl_mem m = rt.alloc(4L * values.length, "a norm weight");
        rt.write(m, 0, Pointer.to(values), 4L * values.length);
        return new Floats(m, 1, values.length);
    }

    @Override
    public Tensor loadEmbedding(F16Matrix e) {
        cl_mem m = rt.alloc(e.data().byteSize(), "the f16 token embedding");
        rt.write(m, e.data().asByteBuffer());
        return new Halfs(m, e.rows(), e.cols());
    }

    /** The embedding is copied to the device: the file's pages are not read again. */
    @Override
    public boolean embeddingReadsFile() {
        return false;
    }

    @Override
    public Tensor loadLmHead(Int8RowMatrix head) {
        cl_mem q = rt.alloc(head.q().length, "the int8 LM head");
        cl_mem s = rt.alloc(4L * head.rows(), "the int8 LM head's scales");
        rt.write(q, 0, Pointer.to(head.q()), head.q().length);
        rt.write(s, 0, Pointer.to(head.scales()), 4L * head.rows());
        return new Int8Rows(q, s, head.rows(), head.cols());
    }

    // ---- per-step state --------------------------------------------------------------------------------------------

    @Override
    public Tensor allocActivations(int maxTokens, int width) {
        return new Floats(rt.alloc(4L * maxTokens * width, "activations"), maxTokens, width);
    }

    @Override
    public KvCache allocKvCache(KvCacheSpec spec) {
        return new ClKvCache(spec, rt);
    }

    @Override
    public void beginStep(ForwardBatch batch) {
        n = batch.tokenCount();
        int[] slotOf = new int[n];
        maxLength = 0;
        for (int i = 0; i < n; i++) {
            slotOf[i] = batch.slot(i);
            maxLength = Math.max(maxLength, batch.positions()[i] + 1);
        }
        maxBlocks = 1;
        for (int[] t : batch.blockTables()) maxBlocks = Math.max(maxBlocks, t.length);
        int[] tables = new int[batch.blockTables().length * maxBlocks];
        for (int s = 0; s < batch.blockTables().length; s++) {
            System.arraycopy(batch.blockTables()[s], 0, tables, s * maxBlocks, batch.blockTables()[s].length);
        }
        tokens.upload(batch.tokens());
        positions.upload(batch.positions());
        seqIndex.upload(batch.seqIndex());
        slots.upload(slotOf);
        blockTables.upload(tables);
        logitRowIndex = batch.logitRows();
        logitRows.upload(logitRowIndex);
    }

    // ---- operations ------------------------------------------------------------------------------------------------

    private static cl_mem mem(Tensor t) {
        return ((ClTensors.ClTensor) t).mem();
    }

    @Override
    public void embed(Tensor embedding, Tensor out) {
        embed.args(mem(embedding), tokens.ensure(0), embedding.cols(), mem(out)).runItems((long) n * embedding.cols());
    }

    @Override
    public void rmsNorm(Tensor x, Tensor weight, float eps, Tensor out) {
        int group = rmsNorm.groupFor(x.cols());
        rmsNorm.args(mem(x), mem(weight), eps, x.cols(), mem(out), Local.floats(group)).runGroups(n, group);
    }

    @Override
    public void bitLinear(Tensor x, Tensor weight, Tensor out) {
        bitLinear(x, new Tensor[]{weight}, new Tensor[]{out});
    }

    /** Quantises x once, then one ternary_matmul per weight. */
    @Override
    public void bitLinear(Tensor x, Tensor[] weights, Tensor[] outs) {
        Ternary first = (Ternary) weights[0];
        int qStride = first.wordsPerRow() * Ternary.COLS_PER_WORD;
        cl_mem q = quantized.ensure((long) n * qStride), s = quantScales.ensure(4L * n);
        int qGroup = quantize.groupFor(first.cols());
        quantize.args(mem(x), first.cols(), q, qStride, s, Local.floats(qGroup)).runGroups(n, qGroup);
        for (int i = 0; i < weights.length; i++) {
            Ternary w = (Ternary) weights[i];
            ternaryMatmul.args(w.mem(), w.rows(), w.wordsPerRow(), w.scale(), q, qStride, s, n, mem(outs[i]),
                    Local.ints(ternaryMatmul.rowGroupSize(rowThreads))).runRows(w.rows(), rowThreads);
        }
    }

    @Override
    public void rope(Tensor x, int heads, int headDim, float theta) {
        RopeTables.Table t = ropeTables.get(headDim, theta, maxLength);
        rope.args(mem(x), x.cols(), heads, headDim, positions.ensure(0), t.cos(), t.sin())
                .runItems((long) n * heads * (headDim / 2));
    }

    private KvKernels kv(KvType type) {
        return kvKernels.computeIfAbsent(type, t -> {
            cl_program p = rt.build("kv_cache.cl", buildOptions() + " -DKV_HALF=" + (t == KvType.F16 ? 1 : 0));
            return new KvKernels(new ClKernel(rt, p, "store_kv"), new ClKernel(rt, p, "attention"));
        });
    }

    @Override
    public void storeKv(KvCache cache, int layer, Tensor k, Tensor v) {
        ClKvCache c = (ClKvCache) cache;
        int kvDim = c.spec().kvDim();
        kv(c.spec().type()).store().args(mem(k), mem(v), slots.ensure(0), kvDim, c.keys, c.values, c.layerBase(layer))
                .runItems((long) n * kvDim);
    }

    @Override
    public void attention(Tensor q, KvCache cache, int layer, int heads, int headDim, Tensor out) {
        ClKvCache c = (ClKvCache) cache;
        KvCacheSpec spec = c.spec();
        ClKernel k = kv(spec.type()).attention();
        int group = k.groupFor(Math.max(maxLength, headDim));
        cl_mem sc = scores.ensure(4L * n * heads * maxLength);
        k.args(mem(q), q.cols(), c.keys, c.values, c.layerBase(layer), spec.kvDim(), positions.ensure(0),
                seqIndex.ensure(0), blockTables.ensure(0), maxBlocks, spec.blockSize(), heads, headDim,
                heads / spec.kvHeads(), (float) (1.0 / Math.sqrt(headDim)), sc, maxLength, mem(out),
                Local.floats(group)).runGroups((long) n * heads, group);
    }

    @Override
    public void gatedActivation(Tensor gate, Tensor up, Activation act, Tensor out) {
        int code = switch (act) {
            case RELU2 -> 0;
            case SILU -> 1;
        };
        gatedActivation.args(mem(gate), mem(up), code, mem(out)).runItems((long) n * gate.cols());
    }

    @Override
    public void add(Tensor x, Tensor y) {
        add.args(mem(x), mem(y)).runItems((long) n * x.cols());
    }

    /** Enqueues the LM head over the step's logit rows into the logits buffer; returns it. */
    private cl_mem lmHead(Tensor x, Tensor head) {
        int rows = logitRowIndex.length, vocab = head.rows(), cols = head.cols();
        cl_mem out = logitsOut.ensure(4L * rows * vocab);
        ClKernel k = head instanceof Int8Rows ? lmHeadI8 : lmHeadF16;
        cl_mem scales = head instanceof Int8Rows i8 ? i8.scales() : null;
        if (!(head instanceof Int8Rows) && !(head instanceof Halfs)) throw new IllegalArgumentException("not an LM head: " + head);
        k.args(mem(head), scales, cols, vocab, mem(x), logitRows.ensure(0), rows, out,
                Local.floats(k.rowGroupSize(rowThreads))).runRows(vocab, rowThreads);
        return out;
    }

    @Override
    public void logits(Tensor x, Tensor head, float[] out) {
        if (out.length < (long) logitRowIndex.length * head.rows()) {
            throw new IllegalArgumentException("logits need " + logitRowIndex.length + " x " + head.rows() + " floats, got " + out.length);
        }
        cl_mem l = lmHead(x, head);
        rt.read(l, 0, Pointer.to(out), 4L * logitRowIndex.length * head.rows());
    }

    /** Greedy decoding on the device: only one id per logit row comes back. */
    @Override
    public void greedy(Tensor x, Tensor head, int[] idsOut) {
        if (idsOut.length < logitRowIndex.length) {
            throw new IllegalArgumentException("greedy ids need " + logitRowIndex.length + " ints, got " + idsOut.length);
        }
        cl_mem l = lmHead(x, head);
        int rows = logitRowIndex.length;
        cl_mem out = ids.ensure(4L * rows);
        int group = argmax.groupFor(head.rows());
        argmax.args(l, head.rows(), out, Local.floats(group), Local.ints(group)).runGroups(rows, group);
        rt.read(out, 0, Pointer.to(idsOut), 4L * rows);
    }

    /** Copies host values into an f32 tensor (tests). */
    void write(Tensor t, float[] values) {
        rt.write(mem(t), 0, Pointer.to(values), 4L * values.length);
    }

    /** The first {@code count} values of an f32 tensor (tests). */
    float[] read(Tensor t, int count) {
        float[] v = new float[count];
        rt.read(mem(t), 0, Pointer.to(v), 4L * count);
        return v;
    }

    @Override
    public void finish() {
        rt.finish();
    }

    @Override
    public long deviceMemoryBytes() {
        return rt.allocatedBytes();
    }

    @Override
    public void free(Tensor t) {
        if (t instanceof Int8Rows i8) rt.free(i8.scales());
        rt.free(mem(t));
    }

    @Override
    public void close() {
        for (ClKernel k : new ClKernel[]{embed, rmsNorm, quantize, ternaryMatmul, rope, gatedActivation, add, lmHeadF16, lmHeadI8, argmax}) k.release();
        for (KvKernels k : kvKernels.values()) {
            k.store().release();
            k.attention().release();
        }
        rt.close();
    }
}
