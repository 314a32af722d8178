package dev.bitnet.backend;

import dev.bitnet.model.Activation;
import dev.bitnet.quant.F16Matrix;
import dev.bitnet.quant.TernaryMatrix;

/**
 * The small set of operations the model graph ({@link dev.bitnet.model.Transformer}) is written in. A backend owns
 * its tensors: weights are uploaded once, activations and the KV cache stay on it, and per step only the
 * {@link ForwardBatch} goes in and logits come out.
 *
 * <p>Operations work on the first {@code tokenCount()} rows of the batch given to the last {@link #beginStep}. The
 * reference backend ({@code dev.bitnet.backend.reference}) is the oracle: every other backend must give the same
 * exact integer BitLinear sums and agree with it on logits within 1e-3 relative.
 *
 * <p>Numerics every backend follows (see docs/bitnet-facts.md in the shared folder):
 * <ul>
 *   <li>BitLinear: per token row, {@code s = 127 / max(max|x|, 1e-5)}, {@code q = clamp(rint(x*s), -128, 127)},
 *       {@code y = (sum_j t_j q_j) * w_scale / s} with the sum exact in int32.</li>
 *   <li>RMSNorm: {@code y = x / sqrt(mean(x^2) + eps) * w}.</li>
 *   <li>RoPE: rotate-half (NEOX) pairs (i, i + headDim/2) within each head, angle {@code pos * theta^(-2i/headDim)}.</li>
 *   <li>Attention: causal over the token's own sequence, GQA (query head h reads kv head h / (heads/kvHeads)),
 *       scale 1/sqrt(headDim); keys and values are rounded to the cache type when stored.</li>
 * </ul>
 */
public interface Backend extends AutoCloseable {

    /** The name the user selects it by ("reference", "cpu", "opencl", ...). */
    String name();

    /** One line: the device and the settings in force (threads, device name). */
    String description();

    // ---- weights, uploaded once at load --------------------------------------------------------------------------

    /**
     * A BitLinear weight [rows = out, cols = in], repacked into this backend's layout. The loader reuses
     * {@code weight.trits()} for the next tensor once this returns: copy whatever is kept.
     */
    Tensor loadTernary(TernaryMatrix weight);

    /** An f32 vector (an RMSNorm weight). */
    Tensor loadVector(float[] values);

    /** The f16 token embedding [vocab, dim]; also the tied LM head. */
    Tensor loadEmbedding(F16Matrix embedding);

    /**
     * Whether the tensor {@link #loadEmbedding} returns goes on reading the given matrix (a slice of the memory-mapped
     * file) rather than a copy: the loader drops the file's pages from the resident set when it does not.
     */
    default boolean embeddingReadsFile() {
        return true;
    }

    /** An int8-per-row LM head [vocab, dim] ({@code --lm-head q8}); {@link #logits} accepts it like an embedding. */
    Tensor loadLmHead(dev.bitnet.quant.Int8RowMatrix lmHead);

    // ---- per-step state ------------------------------------------------------------------------------------------

    /** An f32 activation matrix of {@code maxTokens} rows by {@code width}, reused across steps. */
    Tensor allocActivations(int maxTokens, int width);

    KvCache allocKvCache(KvCacheSpec spec);

    /** Starts a step: the following operations work on this batch's tokens, positions and block tables. */
    void beginStep(ForwardBatch batch);

    // ---- operations over the step's token rows -------------------------------------------------------------------

    /** {@code out[i] = embedding[token i]} (f16 widened to f32). */
    void embed(Tensor embedding, Tensor out);

    /** {@code out[i] = x[i] / sqrt(mean(x[i]^2) + eps) * weight}; {@code out} may be {@code x}. */
    void rmsNorm(Tensor x, Tensor weight, float eps, Tensor out);

    /** {@code out[i] = BitLinear(x[i]; weight)} with per-token int8 activation quantisation. */
    void bitLinear(Tensor x, Tensor weight, Tensor out);

    /**
     * Several BitLinear products of the same input ({@code outs[i] = BitLinear(x; weights[i])}: q/k/v, gate/up). A
     * backend can quantise {@code x} once and split all the rows over its threads in one go.
     */
    default void bitLinear(Tensor x, Tensor[] weights, Tensor[] outs) {
        for (int i = 0; i < weights.length; i++) bitLinear(x, weights[i], outs[i]);
    }

    /** Rotates {@code x} in place ({@code heads} heads of {@code headDim}) at each token's position. */
    void rope(Tensor x, int heads, int headDim, float theta);

    /** Stores each token's key and value rows into the cache slots of its position. */
    void storeKv(KvCache cache, int layer, Tensor k, Tensor v);

    /**
     * Causal attention of each token's query heads over positions 0..pos of its own sequence in {@code cache}
     * (which already holds this step's keys and values); {@code out} is [tokens, heads*headDim].
     */
    void attention(Tensor q, KvCache cache, int layer, int heads, int headDim, Tensor out);

    /** {@code out = act(gate) * up}, computed in f32; {@code out} may be {@code gate}. */
    void gatedActivation(Tensor gate, Tensor up, Activation act, Tensor out);

    /** {@code x += y}. */
    void add(Tensor x, Tensor y);

    /**
     * Logits of the step's {@link ForwardBatch#logitRows()}: {@code out[k*vocab + v] = dot(x[logitRows[k]],
     * lmHead[v])} with the LM head widened to f32 (an int8 head: {@code scale[v] * dot(x, q[v])}), copied to the host.
     */
    void logits(Tensor x, Tensor embedding, float[] out);

    /**
     * Greedy decoding of the step's {@link ForwardBatch#logitRows()}: {@code ids[k]} = the first index of the largest
     * logit of row k. A device backend computes it where the logits are, so only the ids cross to the host.
     */
    default void greedy(Tensor x, Tensor lmHead, int[] ids) {
        int vocab = lmHead.rows();
        float[] logits = new float[ids.length * vocab];
        logits(x, lmHead, logits);
        for (int k = 0; k < ids.length; k++) ids[k] = ScalarMath.argmax(logits, k * vocab, vocab);
    }

    /**
     * Returns when every operation issued so far has completed. Operations of a device backend may still be running
     * on the device when the call that issued them returns (results come back through {@link #logits} and
     * {@link #greedy}, which wait); host backends compute each operation before returning, so this does nothing
     * there. {@link ProfilingBackend} calls it after each operation to time it.
     */
    default void finish() {
    }

    /**
     * Bytes this backend holds in device memory (weights, KV cache, activations): 0 for backends that compute on the
     * host, whose memory shows in the process's resident set instead.
     */
    default long deviceMemoryBytes() {
        return 0;
    }

    /** Frees this tensor's memory now (weights of a closed model). */
    void free(Tensor t);

    /** Frees everything this backend allocated (thread pools, device memory). */
    @Override
    void close();
}
