package dev.bitnet.model;

/**
 * The hyper-parameters of a BitNet b1.58 model, whatever file they came from.
 *
 * @param architecture  the file's architecture name ("bitnet-b1.58", "bitnet-25", "bitnet")
 * @param dim           hidden size (2560 for 2B4T)
 * @param layers        transformer blocks
 * @param heads         query heads
 * @param kvHeads       key/value heads (grouped-query attention)
 * @param headDim       dimension of one head; dim == heads * headDim
 * @param ffnDim        feed-forward (intermediate) size
 * @param vocabSize     vocabulary size = rows of the token embedding
 * @param contextLength the trained context length
 * @param ropeTheta     RoPE base frequency
 * @param rmsEps        RMSNorm epsilon
 * @param activation    the gated FFN activation
 */
public record ModelConfig(String architecture, int dim, int layers, int heads, int kvHeads, int headDim, int ffnDim,
                          int vocabSize, int contextLength, float ropeTheta, float rmsEps, Activation activation) {

    public int kvDim() {
        return kvHeads * headDim;
    }

    public ModelConfig withActivation(Activation a) {
        return new ModelConfig(architecture, dim, layers, heads, kvHeads, headDim, ffnDim, vocabSize, contextLength,
                ropeTheta, rmsEps, a);
    }

    public ModelConfig withContextLength(int n) {
        return new ModelConfig(architecture, dim, layers, heads, kvHeads, headDim, ffnDim, vocabSize, n,
                ropeTheta, rmsEps, activation);
    }

    /** Throws a {@link dev.bitnet.api.BitNetException} naming the first id outside the vocabulary. */
    public void requireTokenIds(int[] ids) {
        for (int id : ids) {
            if (id < 0 || id >= vocabSize) {
                throw new dev.bitnet.api.BitNetException("token id " + id + " is outside the vocabulary (0.." + (vocabSize - 1) + ")");
            }
        }
    }
}
