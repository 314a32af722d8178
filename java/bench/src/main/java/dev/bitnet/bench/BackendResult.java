package dev.bitnet.bench;

import dev.bitnet.backend.StepProfile;

/**
 * One backend's figures.
 *
 * @param backend           the backend's name
 * @param description       its one-line description (device, threads)
 * @param loadSeconds       time to read, check, repack and upload the weights
 * @param prefill           prefill tokens per second
 * @param decode            decode tokens per second (of all sequences together in a batched decode)
 * @param peakRssBytes      peak resident memory of the process while this backend ran (0 if unknown)
 * @param heldBytes         weights and KV cache as held by the backend
 * @param deviceMemoryBytes device memory the backend held after loading and a first run (0 for host backends)
 * @param bytesPerToken     weight bytes a decode step must read (ternary weights at 2 bits + the LM head), per token
 *                          it decodes: divided by the sequences of a batched decode, which share the read
 * @param greedyIds         the decoded ids of the first repetition, step by step (in a batched decode each step's ids
 *                          of every sequence in turn), to compare backends
 * @param firstStepLogits   the logits of its first decode step (sequence 0's; to compare backends; empty when nothing
 *                          was decoded)
 * @param prefillProfile    where the prefill steps' time went, operation by operation ({@link StepProfile#NONE}
 *                          unless asked for: a separate, slower run, see {@link BenchConfig#profile()})
 * @param decodeProfile     the same for the decode steps
 * @param forcedLogits      sequence 0's logits step by step when fed the first backend's greedy ids (teacher-forced,
 *                          up to {@link BenchRunner#FORCED_STEPS} steps), so that backends are compared on the same
 *                          inputs even after their greedy choices part; empty when nothing was decoded
 */
public record BackendResult(String backend, String description, double loadSeconds, Stats prefill, Stats decode,
                            long peakRssBytes, long heldBytes, long deviceMemoryBytes, long bytesPerToken,
                            int[] greedyIds, float[] firstStepLogits, StepProfile prefillProfile,
                            StepProfile decodeProfile, float[][] forcedLogits) implements BenchOutcome {

    /** Without teacher-forced logits. */
    public BackendResult(String backend, String description, double loadSeconds, Stats prefill, Stats decode,
                         long peakRssBytes, long heldBytes, long deviceMemoryBytes, long bytesPerToken, int[] greedyIds,
                         float[] firstStepLogits, StepProfile prefillProfile, StepProfile decodeProfile) {
        this(backend, description, loadSeconds, prefill, decode, peakRssBytes, heldBytes, deviceMemoryBytes, bytesPerToken,
                greedyIds, firstStepLogits, prefillProfile, decodeProfile, new float[0][]);
    }

    /** Achieved read bandwidth while decoding, bytes per second. */
    public double achievedBytesPerSecond() {
        return bytesPerToken * decode.median();
    }
}
