package dev.bitnet.bench;

/**
 * One backend's figures.
 *
 * @param backend           the backend's name
 * @param description       its one-line description (device, threads)
 * @param loadSeconds       time to read, check, repack and upload the weights
 * @param prefill           prefill tokens per second
 * @param decode            decode tokens per second
 * @param peakRssBytes      peak resident memory of the process while this backend ran (0 if unknown)
 * @param deviceBytes       weights and KV cache as held by the backend
 * @param bytesPerToken     bytes a batch-1 decode step must read (ternary weights at 2 bits + f16 LM head)
 * @param greedyIds         the decoded ids of the first repetition (to compare backends)
 */
public record BackendResult(String backend, String description, double loadSeconds, Stats prefill, Stats decode,
                            long peakRssBytes, long deviceBytes, long bytesPerToken, int[] greedyIds) {

    /** Achieved read bandwidth while decoding, bytes per second. */
    public double achievedBytesPerSecond() {
        return bytesPerToken * decode.median();
    }
}
