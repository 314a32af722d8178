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
    void nothingDecodedIsSaidSo() {
        Agreement a = Agreement.compare(ran("b", new int[0], new float[0]), ran("a", new int[0], new float[0]));
        assertEquals("no decode steps to compare", a.summary());
    }
}
