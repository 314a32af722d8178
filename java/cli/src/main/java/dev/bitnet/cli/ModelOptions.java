package dev.bitnet.cli;

import dev.bitnet.api.BitNetException;
import dev.bitnet.api.LoadOptions;
import dev.bitnet.backend.KvType;
import dev.bitnet.model.LmHeadType;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The model file and how to load it: backend, threads, activation, context, KV cache type (a picocli mixin). */
public final class ModelOptions implements HelpSection {
    @Mixin
    ModelFileOption file;

    @Mixin
    ActivationOption activation;

    @Option(names = "--backend", paramLabel = "NAME[:DEVICE]", defaultValue = "",
            description = "backend to run on (default: the fastest available; see 'bitnet devices')")
    String backend;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", defaultValue = "0",
            description = "CPU threads (default: one per physical core)")
    int threads;

    @Option(names = {"-c", "--ctx-size"}, paramLabel = "N", defaultValue = "0",
            description = "context length in tokens (default: the model's)")
    int contextLength;

    @Option(names = "--kv-type", paramLabel = "f16|f32", defaultValue = "f16",
            description = "KV cache element type (default: ${DEFAULT-VALUE})")
    String kvType;

    @Option(names = "--lm-head", paramLabel = "f16|q8", defaultValue = "f16",
            description = "LM head: f16 (exact, as in the file) or q8 (int8 rows quantised at load: half the bytes per token) (default: ${DEFAULT-VALUE})")
    String lmHead;

    @Override
    public String helpHeading() {
        return "Model and loading";
    }

    /** The model file, checked to exist. */
    Path model() {
        return file.path();
    }

    LoadOptions toLoadOptions() {
        if (threads < 0) throw new BitNetException("--threads must be >= 0, got " + threads);
        if (contextLength < 0) throw new BitNetException("--ctx-size must be >= 0, got " + contextLength);
        return LoadOptions.defaults().withBackend(backend).withThreads(threads)
                .withActivation(activation.orNull())
                .withContextLength(contextLength).withKvType(KvType.parse(kvType))
                .withLmHead(LmHeadType.parse(lmHead));
    }
}
