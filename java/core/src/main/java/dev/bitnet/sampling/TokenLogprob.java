package dev.bitnet.sampling;

/**
 * The log-probability the model gave a generated token, and its most likely alternatives: the log-softmax of the
 * step's raw logits (before repetition penalty, temperature and truncation; what vLLM reports by default).
 *
 * @param id          the token generated
 * @param logprob     its log-probability
 * @param topIds      the most likely tokens, most likely first (lowest id first on ties)
 * @param topLogprobs their log-probabilities
 */
public record TokenLogprob(int id, float logprob, int[] topIds, float[] topLogprobs) {
    /** The most alternatives a request may ask for (OpenAI's limit). */
    public static final int MAX_TOP = 20;

    /** For token {@code id} of the logits {@code logits[offset .. offset + vocab)}, with the {@code top} most likely. */
    public static TokenLogprob of(float[] logits, int offset, int vocab, int id, int top) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) max = Math.max(max, logits[offset + i]);
        double sum = 0;
        for (int i = 0; i < vocab; i++) sum += Math.exp(logits[offset + i] - max);
        float logZ = (float) (max + Math.log(sum));
        int k = Math.min(top, vocab);
        int[] ids = new int[k];
        int size = 0; // ids[0..size) sorted best first; insertion into a list of at most 20
        for (int i = 0; i < vocab; i++) {
            float l = logits[offset + i];
            if (size == k && (k == 0 || l <= logits[offset + ids[k - 1]])) continue;
            int at = Math.min(size, k - 1);
            while (at > 0 && l > logits[offset + ids[at - 1]]) {
                ids[at] = ids[at - 1];
                at--;
            }
            ids[at] = i;
            if (size < k) size++;
        }
        float[] lps = new float[k];
        for (int j = 0; j < k; j++) lps[j] = logits[offset + ids[j]] - logZ;
        return new TokenLogprob(id, logits[offset + id] - logZ, ids, lps);
    }
}
