package dev.bitnet.api;

import dev.bitnet.sampling.TokenLogprob;

import java.util.List;

/**
 * What one generation produced, with its timings.
 *
 * @param promptIds      the ids fed to the model for this call
 * @param ids            the generated ids (end token included if one stopped it)
 * @param text           the generated text (stop string and end token excluded)
 * @param stopReason     why it ended
 * @param prefillSeconds time spent on the prompt
 * @param decodeSeconds  time spent generating after the first token
 * @param logprobs       one per generated id when {@link GenerationParams#logprobs()} asked for them, else empty
 */
public record GenerationResult(int[] promptIds, int[] ids, String text, StopReason stopReason,
                               double prefillSeconds, double decodeSeconds, List<TokenLogprob> logprobs) {

    /** Without log-probabilities. */
    public GenerationResult(int[] promptIds, int[] ids, String text, StopReason stopReason, double prefillSeconds,
                            double decodeSeconds) {
        this(promptIds, ids, text, stopReason, prefillSeconds, decodeSeconds, List.of());
    }

    public double prefillTokensPerSecond() {
        return prefillSeconds > 0 ? promptIds.length / prefillSeconds : 0;
    }

    /** Tokens after the first divided by the time they took (the first token comes from the prefill). */
    public double decodeTokensPerSecond() {
        return decodeSeconds > 0 && ids.length > 1 ? (ids.length - 1) / decodeSeconds : 0;
    }
}
