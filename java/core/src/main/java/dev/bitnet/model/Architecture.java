package dev.bitnet.model;

import java.util.Arrays;

/**
 * The GGUF architectures this engine runs, with the FFN activation each implies (see the facts file, section 2a):
 * {@code bitnet-b1.58} and {@code bitnet-25} are 2B4T (squared ReLU); {@code bitnet} is what mainline llama.cpp
 * writes, used both by the older SiLU models and by mainline conversions of 2B4T, so SiLU unless overridden.
 */
public enum Architecture {
    BITNET_B158("bitnet-b1.58", Activation.RELU2),
    BITNET_25("bitnet-25", Activation.RELU2),
    BITNET("bitnet", Activation.SILU);

    private final String ggufName;
    private final Activation defaultActivation;

    Architecture(String ggufName, Activation defaultActivation) {
        this.ggufName = ggufName;
        this.defaultActivation = defaultActivation;
    }

    public String ggufName() {
        return ggufName;
    }

    public Activation defaultActivation() {
        return defaultActivation;
    }

    /** The architecture with this GGUF name, or {@code null}. */
    public static Architecture byName(String name) {
        for (Architecture a : values()) if (a.ggufName.equals(name)) return a;
        return null;
    }

    public static String supportedList() {
        return String.join(", ", Arrays.stream(values()).map(Architecture::ggufName).toList());
    }
}
