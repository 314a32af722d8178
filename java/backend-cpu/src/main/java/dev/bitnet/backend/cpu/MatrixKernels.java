package dev.bitnet.backend.cpu;

import dev.bitnet.backend.Tensor;
import dev.bitnet.quant.TernaryMatrix;

/**
 * The CPU backend's matrix products, the part of a step that reads the weights: BitLinear's ternary rows and the LM
 * head's rows (and the products of attention over an f16 cache, {@link #attentionBlocks}). {@link VectorKernels} (JDK Vector API, the portable default) and {@link NativeKernels}
 * (libbitnet_cpu, the {@code cpu-native} backend) implement it; everything else of the backend is shared.
 *
 * <p>A kernel object holds the current step's prepared activations, so calls come in this order from one step at a
 * time: {@link #reserve}, {@link #quantize} for token ranges, then {@link #ternaryRows} for row ranges (from several workers at once), and
 * {@link #prepareHead} then {@link #headRows} likewise.
 */
interface MatrixKernels {
    /** What runs the products, for the backend's description ("Vector API, 512-bit vectors"). */
    String description();

    /** Runs a task over [0, n) in ranges, perhaps several at once on other threads ({@code WorkerPool::run}). */
    interface RowRanges {
        void run(int n, WorkerPool.RangeTask task);

        /** All of [0, n) on the calling thread. */
        RowRanges SERIAL = (n, task) -> task.run(0, n, 0);
    }

    /** The weight in this kernel's layout, its rows repacked in the ranges {@code ranges} hands out. */
    Tensor packTernary(TernaryMatrix weight, RowRanges ranges);

    /** {@link #packTernary(TernaryMatrix, RowRanges)} on the calling thread. */
    default Tensor packTernary(TernaryMatrix weight) {
        return packTernary(weight, RowRanges.SERIAL);
    }

    /** Makes room for {@code tokens} quantised rows of {@code weight.cols()} values (call before quantize). */
    void reserve(int tokens, Tensor weight);

    /** BitNet's per-token int8 quantisation of rows [from, to) of x ({@code weight.cols()} wide), for ternaryRows. */
    void quantize(float[] x, int from, int to, Tensor weight);

    /** {@link #reserve} and {@link #quantize} of rows [0, tokens) on the calling thread. */
    default void quantize(float[] x, int tokens, Tensor weight) {
        reserve(tokens, weight);
        quantize(x, 0, tokens, weight);
    }

    /** {@code out[t * rows + r]} for rows [from, to) of weight and the quantised tokens: the BitLinear output. */
    void ternaryRows(Tensor weight, int from, int to, int tokens, float[] out);

    /** Takes the hidden states at {@code rows} of x (each {@code head.cols()} wide) for headRows. */
    void prepareHead(float[] x, int[] rows, Tensor head);

    /** {@code out[k * vocab + v]} for vocabulary rows [from, to) and each prepared hidden state k. */
    void headRows(Tensor head, int from, int to, float[] out);

    /** The block products of attention over an f16 KV cache: the Vector API's unless overridden. */
    default AttentionBlocks attentionBlocks() {
        return AttentionKernel.VECTOR;
    }
}
