package dev.bitnet.cli;

import dev.bitnet.api.BitNetException;
import dev.bitnet.api.GenerationParams;
import dev.bitnet.sampling.SamplingParams;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Sampling and length options (a picocli mixin); the defaults are llama.cpp's. */
public final class SamplingOptions implements HelpSection {
    @Option(names = {"-n", "--n-predict"}, paramLabel = "N", defaultValue = "128",
            description = "most tokens to generate (default: ${DEFAULT-VALUE})")
    int maxTokens;

    @Option(names = {"--temp", "--temperature"}, paramLabel = "T", defaultValue = "0.8",
            description = "sampling temperature; 0 = greedy (default: ${DEFAULT-VALUE}; --temp as in llama.cpp)")
    float temperature;

    @Option(names = "--top-k", paramLabel = "K", defaultValue = "40", description = "0 = off (default: ${DEFAULT-VALUE})")
    int topK;

    @Option(names = "--top-p", paramLabel = "P", defaultValue = "0.95", description = "1 = off (default: ${DEFAULT-VALUE})")
    float topP;

    @Option(names = "--min-p", paramLabel = "P", defaultValue = "0.05", description = "0 = off (default: ${DEFAULT-VALUE})")
    float minP;

    @Option(names = "--repeat-penalty", paramLabel = "X", defaultValue = "1.0",
            description = "1 = off (default: ${DEFAULT-VALUE})")
    float repeatPenalty;

    @Option(names = "--repeat-last-n", paramLabel = "N", defaultValue = "64",
            description = "tokens the repeat penalty looks back (default: ${DEFAULT-VALUE})")
    int repeatLastN;

    @Option(names = "--seed", paramLabel = "N", description = "random seed (default: a random one, reported by --json)")
    Long seed;

    @Option(names = "--stop", paramLabel = "TEXT", description = "stop when the generated text contains TEXT (repeatable)")
    List<String> stops = new ArrayList<>();

    private Long seedInUse;

    @Override
    public String helpHeading() {
        return "Sampling and length";
    }

    /** The seed of this run: {@code --seed}, or one drawn once per command. */
    long seedInUse() {
        if (seedInUse == null) seedInUse = seed != null ? seed : ThreadLocalRandom.current().nextLong(1L << 48);
        return seedInUse;
    }

    /** The generation parameters, validated (a bad value is a one-line error naming the option). */
    GenerationParams toParams() {
        if (maxTokens < 0) throw new BitNetException("--n-predict must be >= 0, got " + maxTokens);
        if (!(temperature >= 0) || Float.isInfinite(temperature)) {
            throw new BitNetException("--temperature must be >= 0, got " + temperature);
        }
        if (topK < 0) throw new BitNetException("--top-k must be >= 0, got " + topK);
        if (!(topP > 0 && topP <= 1)) throw new BitNetException("--top-p must be in (0, 1], got " + topP);
        if (!(minP >= 0 && minP < 1)) throw new BitNetException("--min-p must be in [0, 1), got " + minP);
        if (!(repeatPenalty > 0) || Float.isInfinite(repeatPenalty)) {
            throw new BitNetException("--repeat-penalty must be > 0, got " + repeatPenalty);
        }
        if (repeatLastN < 0) throw new BitNetException("--repeat-last-n must be >= 0, got " + repeatLastN);
        return new GenerationParams(maxTokens,
                new SamplingParams(temperature, topK, topP, minP, repeatPenalty, repeatLastN, seedInUse()),
                List.copyOf(stops));
    }
}
