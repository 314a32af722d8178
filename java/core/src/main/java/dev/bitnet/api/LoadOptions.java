package dev.bitnet.api;

import dev.bitnet.backend.KvType;
import dev.bitnet.model.Activation;

/**
 * How a model is loaded.
 *
 * @param backend       backend selector: "" or "auto" (fastest available), "cpu", "reference", "opencl:0:1", ...
 * @param threads       CPU threads (0 = one per core)
 * @param activation    overrides the architecture's FFN activation, or null
 * @param contextLength KV-cache capacity in tokens per sequence (0 = the model's trained context)
 * @param kvType        KV cache element type
 * @param maxSequences  sequences that can hold a KV cache at once (1 for the CLI; the server raises it)
 * @param prefillChunk  the most tokens one forward step processes
 */
public record LoadOptions(String backend, int threads, Activation activation, int contextLength, KvType kvType,
                          int maxSequences, int prefillChunk) {

    public static LoadOptions defaults() {
        return new LoadOptions("", 0, null, 0, KvType.F16, 1, 64);
    }

    public LoadOptions withBackend(String b) {
        return new LoadOptions(b, threads, activation, contextLength, kvType, maxSequences, prefillChunk);
    }

    public LoadOptions withThreads(int t) {
        return new LoadOptions(backend, t, activation, contextLength, kvType, maxSequences, prefillChunk);
    }

    public LoadOptions withActivation(Activation a) {
        return new LoadOptions(backend, threads, a, contextLength, kvType, maxSequences, prefillChunk);
    }

    public LoadOptions withContextLength(int n) {
        return new LoadOptions(backend, threads, activation, n, kvType, maxSequences, prefillChunk);
    }

    public LoadOptions withKvType(KvType t) {
        return new LoadOptions(backend, threads, activation, contextLength, t, maxSequences, prefillChunk);
    }

    public LoadOptions withMaxSequences(int n) {
        return new LoadOptions(backend, threads, activation, contextLength, kvType, n, prefillChunk);
    }

    public LoadOptions withPrefillChunk(int n) {
        return new LoadOptions(backend, threads, activation, contextLength, kvType, maxSequences, n);
    }
}
