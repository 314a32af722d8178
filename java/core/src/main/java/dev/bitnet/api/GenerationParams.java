package dev.bitnet.api;

import dev.bitnet.sampling.SamplingParams;
import dev.bitnet.sampling.TokenLogprob;

import java.util.List;

/**
 * One generation request.
 *
 * @param maxTokens   the most tokens to generate
 * @param sampling    how tokens are picked
 * @param stopStrings generation stops when the text ends with one of these (it is cut from the result)
 * @param logprobs    -1: none; 0: the log-probability of each generated token; k: and its k most likely
 *                    alternatives ({@link GenerationResult#logprobs()}, {@link TokenListener#onLogprob})
 */
public record GenerationParams(int maxTokens, SamplingParams sampling, List<String> stopStrings, int logprobs) {
    public GenerationParams {
        if (logprobs < -1 || logprobs > TokenLogprob.MAX_TOP) {
            throw new BitNetException("logprobs must be -1 (off) or 0.." + TokenLogprob.MAX_TOP + ", got " + logprobs);
        }
    }

    /** Without log-probabilities. */
    public GenerationParams(int maxTokens, SamplingParams sampling, List<String> stopStrings) {
        this(maxTokens, sampling, stopStrings, -1);
    }

    public static GenerationParams greedy(int maxTokens) {
        return new GenerationParams(maxTokens, SamplingParams.greedy(), List.of());
    }
}
