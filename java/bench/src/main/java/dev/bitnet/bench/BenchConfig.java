package dev.bitnet.bench;

import dev.bitnet.backend.KvType;
import dev.bitnet.model.LmHeadType;

import java.nio.file.Path;
import java.util.List;

/**
 * What one {@code bench} run measures, as llama-bench: a prompt of {@code promptTokens} (prefill) and
 * {@code genTokens} decoded one at a time, {@code repetitions} times, on each backend.
 *
 * @param model        the GGUF file
 * @param backends     backend selectors, measured one after the other in this process
 * @param threads      CPU threads (0 = one per core)
 * @param promptTokens prefill length (pp)
 * @param genTokens    decoded tokens (tg)
 * @param repetitions  runs per measurement; the median is reported, with min and max
 * @param prefillChunk tokens per prefill step
 * @param kvType       KV cache element type
 * @param lmHead       how the LM head is held
 */
public record BenchConfig(Path model, List<String> backends, int threads, int promptTokens, int genTokens,
                          int repetitions, int prefillChunk, KvType kvType, LmHeadType lmHead) {
}
