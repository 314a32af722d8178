package dev.bitnet.model;

import dev.bitnet.backend.Tensor;

/** One transformer block's weights, on the backend. */
public record LayerWeights(Tensor attnNorm, Tensor attnSubNorm, Tensor ffnNorm, Tensor ffnSubNorm,
                           Tensor wq, Tensor wk, Tensor wv, Tensor wo, Tensor wGate, Tensor wUp, Tensor wDown) {
}
