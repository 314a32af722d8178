package dev.bitnet.cli;

import dev.bitnet.api.BitNetException;
import dev.bitnet.api.GenerationParams;
import dev.bitnet.sampling.SamplingParams;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Sampling and length options (a picocli mixin); defaults are llama.cpp's. */
public final class SamplingOptions {
    @Option(names = {"-n", "--n-predict"}, defaultValue = "128", description = "tokens to generate (default: ${DEFAULT-VALUE})")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "0.8", description = "0 = greedy (default: ${DEFAULT-VALUE})")
    float temperature;

    @Option(names = "--top-k", defaultValue = "40", description = "0 = off (default: ${DEFAULT-VALUE})")
    int topK;

    @Option(names = "--top-p", defaultValue = "0.95", description = "1 = off (default: ${DEFAULT-VALUE})")
    float topP;

    @Option(names = "--min-p", defaultValue = "0.05", description = "0 = off (default: ${DEFAULT-VALUE})")
    float minP;

    @Option(names = "--repeat-penalty", defaultValue = "1.0", description = "1 = off (default: ${DEFAULT-VALUE})")
    float repeatPenalty;

    @Option(names = "--repeat-last-n", defaultValue = "64", description = "tokens the penalty looks back (default: ${DEFAULT-VALUE})")
    int repeatLastN;

    @Option(names = "--seed", description = "random seed (default: random)")
    Long seed;

    @Option(names = "--stop", description = "stop when the text reaches this string (repeatable)")
    List<String> stops = new ArrayList<>();

    long seedInUse;

    GenerationParams toParams() {
        if (maxTokens < 0) throw new BitNetException("--n-predict must be >= 0, got " + maxTokens);
        if (!(topP > 0 && topP <= 1)) throw new BitNetException("--top-p must be in (0, 1], got " + topP);
        if (!(minP >= 0 && minP < 1)) throw new BitNetException("--min-p must be in [0, 1), got " + minP);
        if (topK < 0) throw new BitNetException("--top-k must be >= 0, got " + topK);
        if (!(repeatPenalty > 0)) throw new BitNetException("--repeat-penalty must be > 0, got " + repeatPenalty);
        seedInUse = seed != null ? seed : ThreadLocalRandom.current().nextLong(1L << 48);
        return new GenerationParams(maxTokens,
                new SamplingParams(temperature, topK, topP, minP, repeatPenalty, repeatLastN, seedInUse), List.copyOf(stops));
    }
}
