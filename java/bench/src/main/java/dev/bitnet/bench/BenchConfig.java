package dev.bitnet.bench;

import dev.bitnet.backend.KvType;
import dev.bitnet.model.LmHeadType;

import java.nio.file.Path;
import java.util.List;

/**
 * What one {@code bench} run measures, as llama-bench: a prompt of {@code promptTokens} (prefill) and
 * {@code genTokens} decoded one at a time, each after {@code depth} tokens already in the context, {@code repetitions}
 * times, on each backend. With {@code sequences > 1} the decode is batched, as llama-batched-bench's: that many
 * sequences, each with its own context, decode together, one token each per step (the prefill stays one sequence's).
 *
 * @param model        the GGUF file
 * @param backends     backend selectors, measured one after the other in this process
 * @param threads      CPU threads (0 = one per physical core, hardware threads of a core counted once)
 * @param promptTokens prefill length (pp)
 * @param genTokens    decoded tokens (tg)
 * @param depth        tokens in the KV cache before each timed prefill and decode (llama-bench's {@code -d})
 * @param sequences    sequences decoding together in each decode step (1: batch-1 decode)
 * @param repetitions  runs per measurement; the median is reported, with min and max
 * @param prefillChunk tokens per prefill step
 * @param kvType       KV cache element type
 * @param lmHead       how the LM head is held
 * @param profile      after the timed runs, one more prefill and decode with each operation timed
 *                     ({@link dev.bitnet.backend.ProfilingBackend})
 */
public record BenchConfig(Path model, List<String> backends, int threads, int promptTokens, int genTokens, int depth,
                          int sequences, int repetitions, int prefillChunk, KvType kvType, LmHeadType lmHead,
                          boolean profile) {
    public BenchConfig {
        if (sequences < 1) throw new IllegalArgumentException("sequences must be >= 1, not " + sequences);
    }

    /**
     * The tests in llama-bench's notation: {@code pp128 / tg64}, {@code pp128 / tg64 @ d1024}, and
     * {@code pp128 / tg64 x 8 sequences} for a batched decode; a KV cache or LM head other than the default f16 is
     * named after them ({@code pp128 / tg64, q8 head, f32 KV}).
     */
    public String tests() {
        return "pp" + promptTokens + " / tg" + genTokens + (sequences > 1 ? " x " + sequences + " sequences" : "")
                + (depth > 0 ? " @ d" + depth : "") + (lmHead != LmHeadType.F16 ? ", " + lower(lmHead) + " head" : "")
                + (kvType != KvType.F16 ? ", " + lower(kvType) + " KV" : "");
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The context positions a run needs (each sequence): the depth, then the longer of the prompt and the decode. */
    public int contextNeeded() {
        return depth + Math.max(promptTokens, genTokens);
    }
}
