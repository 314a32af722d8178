package dev.bitnet.model;

import dev.bitnet.api.BitNetException;
import dev.bitnet.backend.Backend;
import dev.bitnet.gguf.GgufFile;
import dev.bitnet.tokenizer.Llama3Tokenizer;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a model comes from: a GGUF file or a Hugging Face checkpoint directory. Both give the same hyper-parameters,
 * tokenizer and weights to the one model graph; the source stays open (memory-mapped) while the model runs.
 */
public interface ModelSource extends AutoCloseable {
    /** The hyper-parameters; {@code activation} overrides the file's when not null. */
    ModelConfig config(Activation activation);

    Llama3Tokenizer tokenizer();

    /** Every weight on {@code backend}, checked against {@code config}. */
    ModelWeights load(ModelConfig config, Backend backend, LmHeadType lmHead);

    @Override
    void close();

    /** A GGUF file, or a directory with a Hugging Face checkpoint (config.json, tokenizer.json, safetensors). */
    static ModelSource open(Path path) {
        if (Files.isDirectory(path)) {
            if (!HfCheckpoint.isCheckpoint(path)) {
                throw new BitNetException(path + " is a directory without " + HfCheckpoint.CONFIG
                        + ": expected a GGUF file or a Hugging Face checkpoint directory");
            }
            return HfCheckpoint.open(path);
        }
        if (!Files.isRegularFile(path)) throw new BitNetException("model file not found: " + path);
        GgufFile file = GgufFile.open(path);
        return new ModelSource() {
            @Override
            public ModelConfig config(Activation activation) {
                return ModelLoader.readConfig(file, activation);
            }

            @Override
            public Llama3Tokenizer tokenizer() {
                return Llama3Tokenizer.fromGguf(file);
            }

            @Override
            public ModelWeights load(ModelConfig config, Backend backend, LmHeadType lmHead) {
                return ModelLoader.load(file, config, backend, lmHead);
            }

            @Override
            public void close() {
                file.close();
            }
        };
    }
}
