package dev.bitnet.cli;

import dev.bitnet.api.LoadOptions;
import dev.bitnet.backend.KvType;
import dev.bitnet.model.Activation;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Options of every command that loads a model (a picocli mixin). */
public final class ModelOptions {
    @Option(names = {"-m", "--model"}, required = true, description = "GGUF model file")
    Path model;

    @Option(names = "--backend", defaultValue = "", description = "backend NAME[:DEVICE] (default: the fastest available; see 'bitnet devices')")
    String backend;

    @Option(names = {"-t", "--threads"}, defaultValue = "0", description = "CPU threads (default: one per core)")
    int threads;

    @Option(names = "--activation", description = "override the FFN activation: relu2 or silu")
    String activation;

    @Option(names = {"-c", "--ctx-size"}, defaultValue = "0", description = "context length in tokens (default: the model's)")
    int contextLength;

    @Option(names = "--kv-type", defaultValue = "f16", description = "KV cache type: f16 or f32 (default: ${DEFAULT-VALUE})")
    String kvType;

    @Option(names = "--verbose", description = "print stack traces of errors")
    boolean verbose;

    LoadOptions toLoadOptions() {
        return LoadOptions.defaults().withBackend(backend).withThreads(threads)
                .withActivation(activation == null ? null : Activation.parse(activation))
                .withContextLength(contextLength).withKvType(KvType.parse(kvType));
    }
}
