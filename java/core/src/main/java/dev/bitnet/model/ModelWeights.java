package dev.bitnet.model;

import dev.bitnet.backend.Tensor;

import java.util.List;

/**
 * All weights of a model, on the backend.
 *
 * @param embedding  the f16 token embedding [vocab, dim]
 * @param lmHead     the output projection [vocab, dim]: the embedding itself when tied (2B4T)
 * @param outputNorm the final RMSNorm weight
 * @param layers     the transformer blocks
 */
public record ModelWeights(Tensor embedding, Tensor lmHead, Tensor outputNorm, List<LayerWeights> layers) {

    public long bytes() {
        long n = embedding.bytes() + outputNorm.bytes() + (lmHead == embedding ? 0 : lmHead.bytes());
        for (LayerWeights l : layers) {
            for (Tensor t : new Tensor[]{l.attnNorm(), l.attnSubNorm(), l.ffnNorm(), l.ffnSubNorm(), l.wq(), l.wk(),
                    l.wv(), l.wo(), l.wGate(), l.wUp(), l.wDown()}) {
                n += t.bytes();
            }
        }
        return n;
    }
}
