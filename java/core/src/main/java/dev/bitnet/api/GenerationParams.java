package dev.bitnet.api;

import dev.bitnet.sampling.SamplingParams;

import java.util.List;

/**
 * One generation request.
 *
 * @param maxTokens   the most tokens to generate
 * @param sampling    how tokens are picked
 * @param stopStrings generation stops when the text ends with one of these (it is cut from the result)
 */
public record GenerationParams(int maxTokens, SamplingParams sampling, List<String> stopStrings) {
    public static GenerationParams greedy(int maxTokens) {
        return new GenerationParams(maxTokens, SamplingParams.greedy(), List.of());
    }
}
