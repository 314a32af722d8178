package dev.bitnet.api;

import dev.bitnet.backend.KvType;
import dev.bitnet.model.Activation;
import dev.bitnet.model.LmHeadType;

/**
 * How a model is loaded.
 *
 * @param backend       backend selector: "" or "auto" (fastest available), "cpu", "reference", "opencl:0:1", ...
 * @param threads       CPU threads (0 = one per physical core the process may use, {@link dev.bitnet.backend.PhysicalCores})
 * @param activation    overrides the architecture's FFN activation, or null
 * @param contextLength KV-cache capacity in tokens per sequence (0 = the model's trained context)
 * @param kvType        KV cache element type
 * @param maxSequences  sequences that can hold a KV cache at once (1 for the CLI; the server raises it)
 * @param prefillChunk  the most tokens one forward step processes
 * @param lmHead        how the LM head is held (f16 exact, or q8)
 */
public record LoadOptions(String backend, int threads, Activation activation, int contextLength, KvType kvType,
                          int maxSequences, int prefillChunk, LmHeadType lmHead) {

    public static LoadOptions defaults() {
        return new LoadOptions("", 0, null, 0, KvType.F16, 1, 64, LmHeadType.F16);
    }

    public LoadOptions withBackend(String b) {
        return new LoadOptions(b, threads, activation, contextLength, kvType, maxSequences, prefillChunk, lmHead);
    }

    public LoadOptions withThreads(int t) {
        return new LoadOptions(backend, t, activation, contextLength, kvType, maxSequences, prefillChunk, lmHead);
    }

    public LoadOptions withActivation(Activation a) {
        return new LoadOptions(backend, threads, a, contextLength, kvType, maxSequences, prefillChunk, lmHead);
    }

    public LoadOptions withContextLength(int n) {
        return new LoadOptions(backend, threads, activation, n, kvType, maxSequences, prefillChunk, lmHead);
    }

    public LoadOptions withKvType(KvType t) {
        return new LoadOptions(backend, threads, activation, contextLength, t, maxSequences, prefillChunk, lmHead);
    }

    public LoadOptions withMaxSequences(int n) {
        return new LoadOptions(backend, threads, activation, contextLength, kvType, n, prefillChunk, lmHead);
    }

    public LoadOptions withPrefillChunk(int n) {
        return new LoadOptions(backend, threads, activation, contextLength, kvType, maxSequences, n, lmHead);
    }

    public LoadOptions withLmHead(LmHeadType t) {
        return new LoadOptions(backend, threads, activation, contextLength, kvType, maxSequences, prefillChunk, t);
    }
}
