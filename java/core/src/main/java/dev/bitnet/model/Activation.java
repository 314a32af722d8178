package dev.bitnet.model;

import dev.bitnet.api.BitNetException;

/** The gated feed-forward activation: BitNet b1.58 2B4T uses squared ReLU, the older BitNet b1.58 models SiLU. */
public enum Activation {
    RELU2("relu2"),
    SILU("silu");

    private final String id;

    Activation(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public float apply(float x) {
        return switch (this) {
            case RELU2 -> x > 0 ? x * x : 0f;
            case SILU -> (float) (x / (1.0 + Math.exp(-x)));
        };
    }

    public static Activation parse(String s) {
        for (Activation a : values()) {
            if (a.id.equalsIgnoreCase(s) || (a == RELU2 && s.equalsIgnoreCase("relu_sqr"))) return a;
        }
        throw new BitNetException("unknown activation '" + s + "' (expected relu2 or silu)");
    }
}
