package dev.bitnet.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class AgreementTest {
    static BackendResult ran(String name, int[] ids, float[] logits) {
        return SampleReports.result(name, 1, 1, 0, 0, ids, logits);
    }

    @Test
    void identicalIdsAgree() {
        Agreement a = Agreement.compare(ran("b", new int[]{1, 2, 3}, new float[]{1, -4}), ran("a", new int[]{1, 2, 3}, new float[]{1, -4}));
        assertTrue(a.agree());
        assertEquals(3, a.stepsCompared());
        assertEquals(0, a.firstDifferingStep());
        assertEquals(0.0, a.maxRelativeLogitDifference());
        assertEquals("agree (3 greedy ids); first-step logits within 0.0e+00 relative", a.summary());
        assertEquals("b", a.backend());
        assertEquals("a", a.reference());
    }

    @Test
    void theFirstDifferingStepIsOneBased() {
        Agreement a = Agreement.compare(ran("b", new int[]{1, 2, 9, 4, 0}, new float[0]), ran("a", new int[]{1, 2, 3, 4, 5}, new float[0]));
        assertFalse(a.agree());
        assertEquals(3, a.firstDifferingStep());
        assertEquals("DIFFER at decode step 3 of 5 (the first 2 agree)", a.summary(), "no logits: no logit figure");
        assertEquals(1, Agreement.compare(ran("b", new int[]{7}, new float[0]), ran("a", new int[]{1}, new float[0])).firstDifferingStep());
        assertEquals(3, Agreement.compare(ran("b", new int[]{1, 2}, new float[0]), ran("a", new int[]{1, 2, 3}, new float[0]))
                .firstDifferingStep(), "a shorter run differs where it stops");
    }

    @Test
    void aBatchedDecodeIsComparedStepByStep() {
        // two sequences: step 1 (1, 2), step 2 (3, 4), step 3 (5, 6); the second sequence differs at step 2
        Agreement a = Agreement.compare(ran("b", new int[]{1, 2, 3, 9, 5, 6}, new float[0]), ran("a", new int[]{1, 2, 3, 4, 5, 6}, new float[0]), 2);
        assertEquals(2, a.firstDifferingStep());
        assertEquals("DIFFER at decode step 2 of 3 (the first 1 agree)", a.summary());
        Agreement same = Agreement.compare(ran("b", new int[]{1, 2, 3, 4}, new float[0]), ran("a", new int[]{1, 2, 3, 4}, new float[0]), 2);
        assertEquals("agree (2 greedy ids of each of 2 sequences)", same.summary());
    }

    @Test
    void logitDifferenceIsRelativeToTheReferenceAtLeastOne() {
        // |2.2 - 2| / 2 = 0.1; |0.5 - 0.3| / max(0.3, 1) = 0.2; |-10 - -10.5| / 10.5 = 0.0476
        float[] ref = {2f, 0.3f, -10.5f}, other = {2.2f, 0.5f, -10f};
        assertEquals(0.2, Agreement.maxRelativeDifference(other, ref), 1e-6);
        assertTrue(Double.isNaN(Agreement.maxRelativeDifference(new float[]{Float.NaN, 1}, new float[]{1, 1})), "NaN is not hidden");
        assertTrue(Double.isNaN(Agreement.maxRelativeDifference(new float[]{1}, new float[]{1, 2})), "different vocabularies");
        assertTrue(Double.isNaN(Agreement.maxRelativeDifference(new float[0], new float[0])), "nothing decoded");
    }

    @Test
    void teacherForcedStepsCountTheSameTopTokenAndAverageTheKlDivergence() {
        // step 1: the same logits (KL 0, same top); step 2: p = (1/2, 1/2, ~0) against q = (3/4, 1/4, ~0), KL = ln(4/3) / 2,
        // top token 0 in both (the first of p's tie); step 3: top tokens 0 and 1 differ
        float[][] ref = {{1, 2, 3}, {0, 0, -50}, {5, 1, 1}};
        float[][] other = {{1, 2, 3}, {(float) Math.log(3), 0, -50}, {1, 5, 1}};
        Agreement a = Agreement.compare(forced("b", other), forced("a", ref));
        assertEquals(3, a.forcedSteps());
        assertEquals(2, a.forcedSameTop());
        double third = LogitDistributions.klDivergence(ref[2], other[2]);
        assertEquals((0.5 * Math.log(4.0 / 3) + third) / 3, a.forcedMeanKl(), 1e-6);
        assertTrue(a.summary().endsWith(String.format(java.util.Locale.ROOT,
                "; teacher-forced: same top token in 2 of 3 steps, mean KL %.1e", a.forcedMeanKl())), a.summary());
        Agreement none = Agreement.compare(ran("b", new int[]{1}, new float[0]), ran("a", new int[]{1}, new float[0]));
        assertEquals(0, none.forcedSteps());
        assertTrue(Double.isNaN(none.forcedMeanKl()));
        assertFalse(none.summary().contains("teacher-forced"), none.summary());
    }

    private static BackendResult forced(String name, float[][] logits) {
        BackendResult r = ran(name, new int[]{1, 2, 3}, new float[0]);
        return new BackendResult(r.backend(), r.description(), r.loadSeconds(), r.prefill(), r.decode(), r.peakRssBytes(),
                r.heldBytes(), r.deviceMemoryBytes(), r.bytesPerToken(), r.greedyIds(), r.firstStepLogits(), r.prefillProfile(),
                r.decodeProfile(), logits);
    }

    @Test
    void nothingDecodedIsSaidSo() {
        Agreement a = Agreement.compare(ran("b", new int[0], new float[0]), ran("a", new int[0], new float[0]));
        assertEquals("no decode steps to compare", a.summary());
    }
}
