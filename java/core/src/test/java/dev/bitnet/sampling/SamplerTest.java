package dev.bitnet.sampling;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** Sampling statistics with fixed seeds, checked against straightforward independent computations. */
class SamplerTest {
    private static final float[] LOGITS = {2.0f, 1.0f, 0.5f, 0.0f, -1.0f, 3.0f, 1.5f, -0.5f};

    private static SamplingParams params(float t, int k, float p, float minP, float penalty, long seed) {
        return new SamplingParams(t, k, p, minP, penalty, 64, seed);
    }

    /** softmax(logits / t), computed plainly. */
    private static double[] softmax(float[] logits, double t) {
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (float l : logits) max = Math.max(max, l);
        double[] p = new double[logits.length];
        for (int i = 0; i < p.length; i++) sum += p[i] = Math.exp((logits[i] - max) / t);
        for (int i = 0; i < p.length; i++) p[i] /= sum;
        return p;
    }

    private static int[] histogram(SamplingParams sp, int draws) {
        Sampler s = new Sampler(sp);
        int[] counts = new int[LOGITS.length];
        for (int i = 0; i < draws; i++) counts[s.sample(LOGITS.clone(), new int[0])]++;
        return counts;
    }

    /** Pearson's chi-square statistic of counts against probabilities. */
    private static double chiSquare(int[] counts, double[] p, int draws) {
        double chi = 0;
        for (int i = 0; i < counts.length; i++) {
            if (p[i] == 0) {
                assertEquals(0, counts[i], "token " + i + " has probability 0");
                continue;
            }
            double e = p[i] * draws;
            chi += (counts[i] - e) * (counts[i] - e) / e;
        }
        return chi;
    }

    @Test
    void frequenciesFollowTheTemperedSoftmax() {
        int draws = 200_000;
        for (float t : new float[]{0.5f, 1.0f, 1.7f}) {
            int[] counts = histogram(params(t, 0, 1f, 0f, 1f, 42), draws);
            // 7 degrees of freedom: 99.9% quantile is 24.3
            assertTrue(chiSquare(counts, softmax(LOGITS, t), draws) < 24.3, "t=" + t + " " + Arrays.toString(counts));
            // the wrong temperature must be rejected by the same test
            assertTrue(chiSquare(counts, softmax(LOGITS, t * 1.2), draws) > 24.3, "test too weak at t=" + t);
        }
    }

    @Test
    void topKKeepsOnlyTheKBest() {
        int[] counts = histogram(params(1f, 3, 1f, 0f, 1f, 7), 50_000);
        Set<Integer> drawn = new HashSet<>();
        for (int i = 0; i < counts.length; i++) if (counts[i] > 0) drawn.add(i);
        assertEquals(Set.of(5, 0, 6), drawn); // logits 3.0, 2.0, 1.5
        double[] p = softmax(new float[]{LOGITS[5], LOGITS[0], LOGITS[6]}, 1);
        double[] full = new double[LOGITS.length];
        full[5] = p[0];
        full[0] = p[1];
        full[6] = p[2];
        assertTrue(chiSquare(counts, full, 50_000) < 13.8); // 2 dof, 99.9%
    }

    @Test
    void topPAndMinPCandidateSetsMatchAPlainComputation() {
        double[] p = softmax(LOGITS, 1);
        Integer[] order = {0, 1, 2, 3, 4, 5, 6, 7};
        Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a]));
        for (float topP : new float[]{0.3f, 0.6f, 0.8f, 0.95f, 0.985f}) { // 0.985: all but the lowest of the negative logits
            Set<Integer> expected = new HashSet<>();
            double cum = 0;
            for (int id : order) {
                expected.add(id);
                cum += p[id];
                if (cum >= topP) break;
            }
            assertEquals(expected, drawnSet(params(1f, 0, topP, 0f, 1f, 3)), "top-p " + topP);
        }
        for (float minP : new float[]{0.05f, 0.2f, 0.5f}) {
            Set<Integer> expected = new HashSet<>();
            for (int i = 0; i < p.length; i++) if (p[i] >= minP * p[5]) expected.add(i);
            assertEquals(expected, drawnSet(params(1f, 0, 1f, minP, 1f, 3)), "min-p " + minP);
        }
    }

    private static Set<Integer> drawnSet(SamplingParams sp) {
        int[] counts = histogram(sp, 60_000);
        Set<Integer> s = new HashSet<>();
        for (int i = 0; i < counts.length; i++) if (counts[i] > 0) s.add(i);
        return s;
    }

    @Test
    void greedyIsArgmaxWithLowestIdOnTies() {
        Sampler s = new Sampler(SamplingParams.greedy());
        assertEquals(5, s.sample(LOGITS.clone(), new int[0]));
        assertEquals(1, s.sample(new float[]{0f, 4f, 4f, 1f}, new int[0]));
    }

    @Test
    void repetitionPenaltyDemotesRecentTokens() {
        Sampler s = new Sampler(params(0f, 0, 1f, 0f, 2f, 1));
        // 3.0 / 2 = 1.5 < 2.0: token 0 wins once token 5 is penalised; a negative logit is multiplied
        assertEquals(0, s.sample(LOGITS.clone(), new int[]{5, 5}));
        float[] l = {-1f, -1.5f};
        new Sampler(params(0f, 0, 1f, 0f, 2f, 1)).sample(l, new int[]{0});
        assertEquals(-2f, l[0]);
    }

    @Test
    void sameSeedSameSequence() {
        int[] a = new int[200], b = new int[200];
        Sampler x = new Sampler(params(1f, 0, 1f, 0f, 1f, 99)), y = new Sampler(params(1f, 0, 1f, 0f, 1f, 99));
        for (int i = 0; i < 200; i++) {
            a[i] = x.sample(LOGITS.clone(), new int[0]);
            b[i] = y.sample(LOGITS.clone(), new int[0]);
        }
        assertArrayEquals(a, b);
    }
}
