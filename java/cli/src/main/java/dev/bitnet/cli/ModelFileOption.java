package dev.bitnet.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code -m/--model FILE}: the GGUF file a command reads (a picocli mixin). */
public final class ModelFileOption {
    @Option(names = {"-m", "--model"}, required = true, paramLabel = "FILE", description = "GGUF model file, or a Hugging Face checkpoint directory (config.json, tokenizer.json, *.safetensors)")
    Path model;

    /** The path, checked to name a readable file (a missing file is a one-line error naming it). */
    Path path() {
        ModelFiles.requireFile(model);
        return model;
    }
}
