package dev.bitnet.backend.cpu;

import dev.bitnet.backend.Tensor;
import dev.bitnet.quant.TernaryMatrix;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * {@link MatrixKernels} in libbitnet_cpu ({@link LibBitnetCpu}): int8 dot-product instructions the Vector API does
 * not expose (AVX-512 VNNI {@code vpdpbusd}, AVX2 {@code vpmaddubsw}), F16C conversion for the f16 LM head and the
 * f16 KV cache's attention products. Weights
 * live in native memory of this object's arena, freed by {@link #close}; activations are Java arrays that the
 * kernels read in place.
 */
final class NativeKernels implements MatrixKernels, AutoCloseable {
    private final LibBitnetCpu.Isa isa;
    private final NativeAttentionBlocks attention;
    private final int blockCols;
    private final Arena arena = Arena.ofShared();
    // per-step quantised tokens: tokens rows of paddedCols int8 (zero past cols), their scales and sums
    private byte[] q = new byte[0];
    private float[] qScale = new float[0];
    private int[] qSum = new int[0];
    private int qPadded;
    // the LM head's hidden states, contiguous
    private float[] headX = new float[0];
    private int headCount;

    NativeKernels(LibBitnetCpu.Isa isa) {
        this.isa = isa;
        this.attention = new NativeAttentionBlocks(isa);
        this.blockCols = LibBitnetCpu.blockCols(isa);
    }

    LibBitnetCpu.Isa isa() {
        return isa;
    }

    @Override
    public String description() {
        return "libbitnet_cpu, " + isa.label + " kernels";
    }

    @Override
    public Tensor packTernary(TernaryMatrix weight, RowRanges ranges) {
        int padded = (weight.cols() + blockCols - 1) / blockCols * blockCols;
        MemorySegment codes = arena.allocate(LibBitnetCpu.packedBytes(isa, weight.rows(), padded), 64); // zeroed
        MemorySegment trits = MemorySegment.ofArray(weight.trits());
        ranges.run(weight.rows(), (from, to, worker) -> LibBitnetCpu.pack(isa, trits, weight.cols(), padded, from, to, codes));
        return new NativeTernary(weight.rows(), weight.cols(), padded, codes, weight.scale());
    }

    @Override
    public void reserve(int tokens, Tensor weight) {
        NativeTernary w = (NativeTernary) weight;
        if (q.length < tokens * w.paddedCols()) q = new byte[tokens * w.paddedCols()];
        if (qScale.length < tokens) {
            qScale = new float[tokens];
            qSum = new int[tokens];
        }
        qPadded = w.paddedCols();
    }

    @Override
    public void quantize(float[] x, int from, int to, Tensor weight) {
        NativeTernary w = (NativeTernary) weight;
        int cols = w.cols(), padded = w.paddedCols();
        for (int i = from; i < to; i++) {
            float s = VectorMath.quantScale(x, i * cols, cols);
            qScale[i] = s;
            qSum[i] = VectorMath.quantizeToBytes(x, i * cols, cols, s, q, i * padded);
            java.util.Arrays.fill(q, i * padded + cols, (i + 1) * padded, (byte) 0);
        }
    }

    @Override
    public void ternaryRows(Tensor weight, int from, int to, int tokens, float[] out) {
        NativeTernary w = (NativeTernary) weight;
        if (w.paddedCols() != qPadded) throw new IllegalStateException("quantised for " + qPadded + " columns, not " + w.paddedCols());
        LibBitnetCpu.ternaryRows(isa, w.codes(), w.paddedCols(), from, to, MemorySegment.ofArray(q), tokens,
                MemorySegment.ofArray(qSum), MemorySegment.ofArray(qScale), w.scale(), MemorySegment.ofArray(out), w.rows());
    }

    @Override
    public void prepareHead(float[] x, int[] rows, Tensor head) {
        int d = head.cols();
        if (headX.length < rows.length * d) headX = new float[rows.length * d];
        for (int k = 0; k < rows.length; k++) System.arraycopy(x, rows[k] * d, headX, k * d, d);
        headCount = rows.length;
    }

    @Override
    public void headRows(Tensor head, int from, int to, float[] out) {
        int vocab = head.rows(), d = head.cols();
        switch (head) {
            case CpuTensors.Embedding e -> LibBitnetCpu.f16Rows(isa, e.matrix().data(), d, from, to,
                    MemorySegment.ofArray(headX), headCount, MemorySegment.ofArray(out), vocab);
            case CpuTensors.Int8Head h -> LibBitnetCpu.i8Rows(isa, MemorySegment.ofArray(h.matrix().q()),
                    MemorySegment.ofArray(h.matrix().scales()), d, from, to, MemorySegment.ofArray(headX), headCount,
                    MemorySegment.ofArray(out), vocab);
            default -> throw new IllegalArgumentException("not an LM head: " + head);
        }
    }

    @Override
    public AttentionBlocks attentionBlocks() {
        return attention;
    }

    @Override
    public void close() {
        arena.close();
    }
}
