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

    /** Fills {@link #candidates} with the k best ids in descending logit order (all ids when k is off). */
    private int topK(float[] logits) {
        int vocab = logits.length;
        int k = p.topK() > 0 ? Math.min(p.topK(), vocab) : vocab;
        if (candidates.length < vocab) {
            candidates = new int[vocab];
            probs = new float[vocab];
        }
        if (k == vocab) {
            Integer[] all = new Integer[vocab];
            for (int i = 0; i < vocab; i++) all[i] = i;
            Arrays.sort(all, (a, b) -> logits[a] != logits[b] ? Float.compare(logits[b], logits[a]) : Integer.compare(a, b));
            for (int i = 0; i < vocab; i++) candidates[i] = all[i];
            return vocab;
        }
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

    /** Softmax over the first n candidates at temperature 1 (for the top-p and min-p cuts), into {@link #probs}. */
    private void softmax(float[] logits, int n, float temperature) {
        float max = logits[candidates[0]];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            probs[i] = (float) Math.exp((logits[candidates[i]] - max) / temperature);
            sum += probs[i];
        }
        for (int i = 0; i < n; i++) probs[i] = (float) (probs[i] / sum);
    }

    private int topP(float[] logits, int n) {
        if (p.topP() >= 1f) return n;
        softmax(logits, n, 1f);
        double cum = 0;
        for (int i = 0; i < n; i++) {
            cum += probs[i];
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
