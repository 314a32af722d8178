package dev.bitnet.bench;

/** Comparisons of two logit vectors as the probability distributions their softmaxes are. */
final class LogitDistributions {
    private LogitDistributions() {
    }

    /** KL(softmax(p) || softmax(q)) in nats, in double precision (how much q's distribution loses against p's). */
    static double klDivergence(float[] p, float[] q) {
        double pMax = Double.NEGATIVE_INFINITY, qMax = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < p.length; i++) {
            pMax = Math.max(pMax, p[i]);
            qMax = Math.max(qMax, q[i]);
        }
        double pSum = 0, qSum = 0;
        for (int i = 0; i < p.length; i++) {
            pSum += Math.exp(p[i] - pMax);
            qSum += Math.exp(q[i] - qMax);
        }
        double pLog = pMax + Math.log(pSum), qLog = qMax + Math.log(qSum), kl = 0;   // log of each normaliser
        for (int i = 0; i < p.length; i++) {
            double lp = p[i] - pLog, lq = q[i] - qLog;
            kl += Math.exp(lp) * (lp - lq);
        }
        return Math.max(0, kl);   // >= 0 in exact arithmetic; rounding can leave -1e-17
    }
}
