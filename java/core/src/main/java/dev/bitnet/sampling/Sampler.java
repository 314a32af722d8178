package dev.bitnet.sampling;

/** Picks tokens from logits according to {@link SamplingParams}; holds its own seeded random state. STUB. */
public final class Sampler {
    public Sampler(SamplingParams params) { throw new UnsupportedOperationException("TODO"); }

    /**
     * @param logits       one row of logits (may be modified)
     * @param recentTokens ids the repetition penalty applies to (the last repeatLastN of prompt and output)
     */
    public int sample(float[] logits, int[] recentTokens) { throw new UnsupportedOperationException("TODO"); }
}
