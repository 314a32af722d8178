package dev.bitnet.sampling;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks tokens from logits according to {@link SamplingParams}, in llama.cpp's order: repetition penalty, top-k,
 * top-p, min-p, temperature, then a draw from the softmax with its own seeded random state. Temperature 0 is greedy
 * (argmax, lowest id on ties). Buffers are reused between calls; one sampler per sequence.
 */
public final class Sampler {
    private final SamplingParams p;
    private final SplittableRandom random;
    private int[] candidates = new int[0];
    private float[] probs = new float[0];
    private long[] keys = new long[0];
    private double fullSum; // Σ exp(logit - max) over the vocabulary when top-k is off and a cut follows, else 0

    public Sampler(SamplingParams params) {
        this.p = params;
        this.random = new SplittableRandom(params.seed());
    }

    /**
     * @param logits       one row of logits (modified: the repetition penalty is applied in place)
     * @param recentTokens ids the repetition penalty applies to (the last repeatLastN of prompt and output)
     */
    public int sample(float[] logits, int[] recentTokens) {
        applyRepetitionPenalty(logits, recentTokens);
        if (p.temperature() <= 0) return argmax(logits);
        int n = topK(logits);
        n = topP(logits, n);
        n = minP(logits, n);
        return draw(logits, n);
    }

    public static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }

    private void applyRepetitionPenalty(float[] logits, int[] recent) {
        float penalty = p.repetitionPenalty();
        if (penalty == 1f || recent.length == 0) return;
        int[] distinct = Arrays.stream(recent).filter(id -> id >= 0 && id < logits.length).distinct().toArray();
        for (int id : distinct) logits[id] = logits[id] > 0 ? logits[id] / penalty : logits[id] * penalty;
    }

    /**
     * Fills {@link #candidates} with the k best ids in descending logit order, lower id first on ties. With k off: the
     * ids the top-p and min-p cuts may keep, sorted the same way, or every id in id order when no cut follows (the draw
     * needs no order).
     */
    private int topK(float[] logits) {
        int vocab = logits.length;
        fullSum = 0;
        int k = p.topK() > 0 ? Math.min(p.topK(), vocab) : vocab;
        if (candidates.length < vocab) {
            candidates = new int[vocab];
            probs = new float[vocab];
        }
        if (k == vocab && p.topP() >= 1f && p.minP() <= 0f) { // no cut follows: the draw needs no order
            for (int i = 0; i < vocab; i++) candidates[i] = i;
            return vocab;
        }
        if (k == vocab) return cutCandidates(logits);
        // a min-heap of the k best seen so far: candidates[0] is the worst of them
        int size = 0;
        for (int id = 0; id < vocab; id++) {
            if (size < k) {
                candidates[size] = id;
                siftUp(logits, size++);
            } else if (better(logits, id, candidates[0])) {
                candidates[0] = id;
                siftDown(logits, 0, size);
            }
        }
        // heap sort: repeatedly move the worst to the end, leaving descending order
        for (int end = size - 1; end > 0; end--) {
            int t = candidates[0];
            candidates[0] = candidates[end];
            candidates[end] = t;
            siftDown(logits, 0, end);
        }
        return size;
    }

    /**
     * All ids that the top-p and min-p cuts may keep, sorted: only those, as sorting 128K ids takes ~40 ms. With
     * {@code e = exp(logit - max)} and {@code S = Σ e} over the vocabulary, an id of probability {@code e / S < (1 - p)
     * / vocab} is outside the nucleus (the ids no better than it hold less than {@code 1 - p}, so those better hold more
     * than p), and one with {@code e < minP} fails min-p. {@link #fullSum} keeps S for the top-p cut.
     */
    private int cutCandidates(float[] logits) {
        int vocab = logits.length;
        float max = Float.NEGATIVE_INFINITY;
        for (float l : logits) max = Math.max(max, l);
        double sum = 0;
        for (float l : logits) sum += Math.exp(l - max);
        double keep = 0; // in units of e; halved for rounding: a superset is harmless
        if (p.topP() < 1f) keep = 0.5 * (1 - p.topP()) / vocab * sum;
        if (p.minP() > 0f) keep = Math.max(keep, 0.5 * p.minP());
        float floor = (float) (max + Math.log(keep)); // logit >= floor  <=>  e >= keep (keep = 0: every id)
        if (keys.length < vocab) keys = new long[vocab];
        int n = 0;
        for (int i = 0; i < vocab; i++) if (logits[i] >= floor) keys[n++] = (long) ~orderedBits(logits[i]) << 32 | i;
        Arrays.sort(keys, 0, n);
        for (int i = 0; i < n; i++) candidates[i] = (int) keys[i];
        fullSum = sum;
        return n;
    }

    /** The float's bits as an int that orders as the floats do (negative values with their magnitude bits flipped). */
    private static int orderedBits(float x) {
        int bits = Float.floatToIntBits(x);
        return bits ^ ((bits >> 31) & 0x7fffffff);
    }

    /** a ranks before b: higher logit, then lower id. */
    private static boolean better(float[] logits, int a, int b) {
        return logits[a] > logits[b] || (logits[a] == logits[b] && a < b);
    }

    private void siftUp(float[] logits, int i) {
        while (i > 0) {
            int parent = (i - 1) / 2;
            if (!better(logits, candidates[parent], candidates[i])) break;
            swap(i, parent);
            i = parent;
        }
    }

    private void siftDown(float[] logits, int i, int size) {
        while (true) {
            int l = 2 * i + 1, r = l + 1, worst = i;
            if (l < size && better(logits, candidates[worst], candidates[l])) worst = l;
            if (r < size && better(logits, candidates[worst], candidates[r])) worst = r;
            if (worst == i) return;
            swap(i, worst);
            i = worst;
        }
    }

    private void swap(int a, int b) {
        int t = candidates[a];
        candidates[a] = candidates[b];
        candidates[b] = t;
    }

    /** Softmax over the first n candidates (in any order) at {@code temperature}, into {@link #probs}. */
    private void softmax(float[] logits, int n, float temperature) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) max = Math.max(max, logits[candidates[i]]);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            probs[i] = (float) Math.exp((logits[candidates[i]] - max) / temperature);
            sum += probs[i];
        }
        for (int i = 0; i < n; i++) probs[i] = (float) (probs[i] / sum);
    }

    /** The nucleus: probabilities over the whole vocabulary when top-k is off ({@link #fullSum}), over the k otherwise. */
    private int topP(float[] logits, int n) {
        if (p.topP() >= 1f) return n;
        float max = logits[candidates[0]];
        double total = fullSum;
        if (total <= 0) for (int i = 0; i < n; i++) total += Math.exp(logits[candidates[i]] - max);
        double cum = 0;
        for (int i = 0; i < n; i++) {
            cum += Math.exp(logits[candidates[i]] - max) / total;
            if (cum >= p.topP()) return i + 1;
        }
        return n;
    }

    private int minP(float[] logits, int n) {
        if (p.minP() <= 0f) return n;
        softmax(logits, n, 1f);
        float threshold = p.minP() * probs[0];
        int keep = 1;
        while (keep < n && probs[keep] >= threshold) keep++;
        return keep;
    }

    private int draw(float[] logits, int n) {
        softmax(logits, n, p.temperature());
        double u = random.nextDouble(), cum = 0;
        for (int i = 0; i < n; i++) {
            cum += probs[i];
            if (u < cum) return candidates[i];
        }
        return candidates[n - 1];
    }
}
