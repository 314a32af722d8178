package dev.bitnet.bench;

/**
 * How one backend's greedy decode compares with the first backend's: the same ids step by step, and how far apart
 * the logits of the first decode step are (both saw the same single token there); then, both fed the first backend's
 * ids (teacher-forced, so a single near-tie does not make every later step incomparable), how often their top token
 * is the same and how far their distributions are apart (KL divergence, as llama-perplexity reports for a
 * quantisation).
 *
 * @param backend                     the backend compared
 * @param reference                   the backend it is compared with (the first one that ran)
 * @param stepsCompared               decode steps compared
 * @param sequences                   the sequences each step decoded (a batched decode: every one's ids are compared)
 * @param firstDifferingStep          the first step (1-based) with a greedy id that differs, 0 when all agree
 * @param maxRelativeLogitDifference  max over the vocabulary of |a - b| / max(|b|, 1) at the first decode step, b the
 *                                    reference's logit (the tolerance the backend tests use); NaN when not available
 * @param forcedSteps                 steps compared teacher-forced (both fed the reference's greedy ids, see
 *                                    {@link BackendResult#forcedLogits()}); 0 when not available
 * @param forcedSameTop               of those, the steps whose top token is the same
 * @param forcedMeanKl                mean over those steps of KL(reference || backend) of the softmax distributions,
 *                                    in nats (as llama-perplexity --kl-divergence); NaN when not available
 */
public record Agreement(String backend, String reference, int stepsCompared, int sequences, int firstDifferingStep,
                        double maxRelativeLogitDifference, int forcedSteps, int forcedSameTop, double forcedMeanKl) {

    /** Compares batch-1 decodes. */
    public static Agreement compare(BackendResult other, BackendResult reference) {
        return compare(other, reference, 1);
    }

    /** Compares decodes of {@code sequences} sequences a step (their greedy ids step by step, see {@link BackendResult}). */
    public static Agreement compare(BackendResult other, BackendResult reference, int sequences) {
        int[] a = other.greedyIds(), b = reference.greedyIds();
        int n = Math.min(a.length, b.length);
        int firstDiff = 0;
        for (int i = 0; i < n && firstDiff == 0; i++) if (a[i] != b[i]) firstDiff = i / sequences + 1;
        if (firstDiff == 0 && a.length != b.length) firstDiff = n / sequences + 1;
        float[][] p = reference.forcedLogits(), q = other.forcedLogits();
        int forced = Math.min(p.length, q.length), sameTop = 0;
        double kl = 0;
        for (int step = 0; step < forced; step++) {
            if (argmax(p[step]) == argmax(q[step])) sameTop++;
            kl += LogitDistributions.klDivergence(p[step], q[step]);
        }
        return new Agreement(other.backend(), reference.backend(), (Math.max(a.length, b.length) + sequences - 1) / sequences,
                sequences, firstDiff, maxRelativeDifference(other.firstStepLogits(), reference.firstStepLogits()),
                forced, sameTop, forced > 0 ? kl / forced : Double.NaN);
    }

    private static int argmax(float[] x) {
        return dev.bitnet.backend.ScalarMath.argmax(x, 0, x.length);
    }

    /** Max of |a - b| / max(|b|, 1); NaN when the arrays are empty or of different lengths. */
    static double maxRelativeDifference(float[] a, float[] b) {
        if (a.length == 0 || a.length != b.length) return Double.NaN;
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs((double) a[i] - b[i]) / Math.max(Math.abs(b[i]), 1.0);
            if (Double.isNaN(d)) return Double.NaN;   // a NaN logit is a difference, not silently 0
            worst = Math.max(worst, d);
        }
        return worst;
    }

    /** True when every compared greedy id is the same. */
    public boolean agree() {
        return firstDifferingStep == 0;
    }

    /** One line: {@code agree} or {@code DIFFER at decode step 5 of 8 (the first 4 agree)}, and the logits. */
    public String summary() {
        String ids = stepsCompared == 0 ? "no decode steps to compare"
                : agree() ? "agree (" + stepsCompared + " greedy ids" + (sequences > 1 ? " of each of " + sequences + " sequences)" : ")")
                : "DIFFER at decode step " + firstDifferingStep + " of " + stepsCompared + " (the first "
                + (firstDifferingStep - 1) + " agree)";
        String logits = Double.isNaN(maxRelativeLogitDifference) ? ids
                : ids + "; first-step logits within " + String.format(java.util.Locale.ROOT, "%.1e", maxRelativeLogitDifference)
                + " relative";
        return forcedSteps == 0 ? logits : logits + String.format(java.util.Locale.ROOT,
                "; teacher-forced: same top token in %d of %d steps, mean KL %.1e", forcedSameTop, forcedSteps, forcedMeanKl);
    }
}
