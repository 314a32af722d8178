package dev.bitnet.backend.cpu;

import dev.bitnet.backend.Tensor;
import dev.bitnet.quant.TernaryMatrix;

/**
 * The CPU backend's matrix products, the part of a step that reads the weights: BitLinear's ternary rows and the LM
 * head's rows. {@link VectorKernels} (JDK Vector API, the portable default) and {@link NativeKernels}
 * (libbitnet_cpu, the {@code cpu-native} backend) implement it; everything else of the backend is shared.
 *
 * <p>A kernel object holds the current step's prepared activations, so calls come in this order from one step at a
 * time: {@link #reserve}, {@link #quantize} for token ranges, then {@link #ternaryRows} for row ranges (from several workers at once), and
 * {@link #prepareHead} then {@link #headRows} likewise.
 */
interface MatrixKernels {
    /** What runs the products, for the backend's description ("Vector API, 512-bit vectors"). */
    String description();

    /** The weight in this kernel's layout. */
    Tensor packTernary(TernaryMatrix weight);

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
}
