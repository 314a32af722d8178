package dev.bitnet.api;

import java.nio.file.Path;

/**
 * Entry point of the public API.
 *
 * <pre>{@code
 * try (BitNetModel model = BitNet.load(Path.of("ggml-model-i2_s.gguf"), LoadOptions.defaults());
 *      Session session = model.newSession()) {
 *     session.generate("The capital of France is", GenerationParams.greedy(32), (id, text) -> System.out.print(text));
 * }
 * }</pre>
 */
public final class BitNet {
    private BitNet() {
    }

    /**
     * Loads a model onto the chosen backend: a GGUF file, or a Hugging Face checkpoint directory (config.json,
     * tokenizer.json, safetensors). Bad files and options throw {@link BitNetException}.
     */
    public static BitNetModel load(Path file, LoadOptions options) {
        return BitNetModel.load(file, options);
    }
}
