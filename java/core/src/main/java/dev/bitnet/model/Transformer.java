package dev.bitnet.model;

import dev.bitnet.backend.Backend;
import dev.bitnet.backend.ForwardBatch;
import dev.bitnet.backend.KvCache;
import dev.bitnet.backend.Tensor;

/**
 * The BitNet b1.58 forward pass, written once over {@link Backend} operations. One call runs a whole
 * {@link ForwardBatch}: any mix of prefill chunks and decode tokens from several sequences.
 */
public final class Transformer {
    private final ModelConfig c;
    private final Backend b;
    private final ModelWeights w;
    private final int maxTokens;
    // activations, [maxTokens, width] each, reused every step
    private final Tensor x, xb, q, k, v, att, gate, up;
    // per layer, the weights that share an input, and their outputs
    private final Tensor[][] qkv, gateUp;
    private final Tensor[] qkvOut, gateUpOut;

    public Transformer(ModelConfig config, Backend backend, ModelWeights weights, int maxTokens) {
        this.c = config;
        this.b = backend;
        this.w = weights;
        this.maxTokens = maxTokens;
        x = b.allocActivations(maxTokens, c.dim());
        xb = b.allocActivations(maxTokens, c.dim());
        q = b.allocActivations(maxTokens, c.dim());
        k = b.allocActivations(maxTokens, c.kvDim());
        v = b.allocActivations(maxTokens, c.kvDim());
        att = b.allocActivations(maxTokens, c.dim());
        gate = b.allocActivations(maxTokens, c.ffnDim());
        up = b.allocActivations(maxTokens, c.ffnDim());
        qkv = new Tensor[c.layers()][];
        gateUp = new Tensor[c.layers()][];
        for (int l = 0; l < c.layers(); l++) {
            LayerWeights L = w.layers().get(l);
            qkv[l] = new Tensor[]{L.wq(), L.wk(), L.wv()};
            gateUp[l] = new Tensor[]{L.wGate(), L.wUp()};
        }
        qkvOut = new Tensor[]{q, k, v};
        gateUpOut = new Tensor[]{gate, up};
    }

    public ModelConfig config() {
        return c;
    }

    /** The most tokens one step may hold. */
    public int maxTokens() {
        return maxTokens;
    }

    /** Runs one step; writes the logits of {@code batch.logitRows()} to {@code logits} ([rows, vocab]). */
    public void forward(ForwardBatch batch, KvCache cache, float[] logits) {
        layers(batch, cache);
        if (batch.logitRows().length > 0) {
            b.rmsNorm(x, w.outputNorm(), c.rmsEps(), xb);
            b.logits(xb, w.lmHead(), logits);
        }
    }

    /**
     * After {@link #forward}: the same step's logits through another LM head (the step's final hidden states are still
     * there), e.g. the int8 head against the f16 one on exactly the same states.
     */
    public void logitsWith(Tensor lmHead, float[] logits) {
        b.logits(xb, lmHead, logits);
    }

    /**
     * Runs one step and decodes greedily: {@code ids[k]} = the argmax of the logits of {@code batch.logitRows()[k]},
     * found on the backend, so a device backend sends back ids instead of logits.
     */
    public void forwardGreedy(ForwardBatch batch, KvCache cache, int[] ids) {
        layers(batch, cache);
        if (batch.logitRows().length > 0) {
            b.rmsNorm(x, w.outputNorm(), c.rmsEps(), xb);
            b.greedy(xb, w.lmHead(), ids);
        }
    }

    /** The embedding and every layer: leaves the step's hidden states in x. */
    private void layers(ForwardBatch batch, KvCache cache) {
        if (batch.tokenCount() > maxTokens) {
            throw new IllegalArgumentException(batch.tokenCount() + " tokens in one step, at most " + maxTokens);
        }
        float eps = c.rmsEps();
        b.beginStep(batch);
        b.embed(w.embedding(), x);
        for (int l = 0; l < c.layers(); l++) {
            LayerWeights L = w.layers().get(l);
            // attention
            b.rmsNorm(x, L.attnNorm(), eps, xb);
            b.bitLinear(xb, qkv[l], qkvOut);                    // q, k, v
            b.rope(q, c.heads(), c.headDim(), c.ropeTheta());
            b.rope(k, c.kvHeads(), c.headDim(), c.ropeTheta());
            b.storeKv(cache, l, k, v);
            b.attention(q, cache, l, c.heads(), c.headDim(), att);
            b.rmsNorm(att, L.attnSubNorm(), eps, att);
            b.bitLinear(att, L.wo(), xb);
            b.add(x, xb);
            // feed-forward
            b.rmsNorm(x, L.ffnNorm(), eps, xb);
            b.bitLinear(xb, gateUp[l], gateUpOut);              // gate, up
            b.gatedActivation(gate, up, c.activation(), gate);
            b.rmsNorm(gate, L.ffnSubNorm(), eps, gate);
            b.bitLinear(gate, L.wDown(), xb);
            b.add(x, xb);
        }
    }

    /** Frees the step's activations (the weights belong to the model). */
    public void freeActivations() {
        for (Tensor t : new Tensor[]{x, xb, q, k, v, att, gate, up}) b.free(t);
    }
}
