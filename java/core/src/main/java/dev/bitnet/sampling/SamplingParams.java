package dev.bitnet.sampling;

/**
 * How the next token is picked from the logits. Temperature 0 means greedy (argmax).
 *
 * @param temperature       0 = greedy
 * @param topK              keep the k most likely (0 = off)
 * @param topP              nucleus: keep the smallest set with probability mass >= p (1 = off)
 * @param minP              drop tokens below minP * p(max) (0 = off)
 * @param repetitionPenalty llama.cpp-style penalty on recent tokens (1 = off)
 * @param repeatLastN       how many recent tokens the penalty looks at
 * @param seed              random seed
 */
public record SamplingParams(float temperature, int topK, float topP, float minP, float repetitionPenalty,
                             int repeatLastN, long seed) {

    public static SamplingParams greedy() {
        return new SamplingParams(0f, 0, 1f, 0f, 1f, 64, 0L);
    }

    /** Whether the pick is the plain argmax of the logits (temperature 0 and no repetition penalty). */
    public boolean isPureArgmax() {
        return temperature <= 0 && (repetitionPenalty == 1f || repeatLastN == 0);
    }

    /** llama.cpp's defaults. */
    public static SamplingParams defaults(long seed) {
        return new SamplingParams(0.8f, 40, 0.95f, 0.05f, 1.0f, 64, seed);
    }
}
