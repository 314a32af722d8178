package dev.bitnet.sampling;

import org.junit.jupiter.api.Test;

import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.*;

/** Log-probabilities against a plain double-precision log-softmax and a full sort. */
class TokenLogprobTest {
    @Test
    void matchesAPlainLogSoftmaxAndSort() {
        Random r = new Random(3);
        int vocab = 1000, offset = 7;
        float[] row = new float[offset + vocab];
        for (int i = 0; i < vocab; i++) row[offset + i] = (float) (r.nextGaussian() * 4 - 30); // far from 0: needs the max shift
        row[offset + 10] = row[offset + 20] = row[offset + 500] = 2f; // a tie at the top: lower id first
        double max = IntStream.range(0, vocab).mapToDouble(i -> row[offset + i]).max().orElseThrow();
        double logZ = max + Math.log(IntStream.range(0, vocab).mapToDouble(i -> Math.exp(row[offset + i] - max)).sum());
        int[] order = IntStream.range(0, vocab).boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> -row[offset + i]).thenComparingInt(i -> i))
                .mapToInt(i -> i).toArray();
        for (int top : new int[]{0, 1, 5, 20}) {
            TokenLogprob lp = TokenLogprob.of(row, offset, vocab, 42, top);
            assertEquals(42, lp.id());
            assertEquals(row[offset + 42] - logZ, lp.logprob(), 1e-4);
            assertEquals(top, lp.topIds().length);
            for (int j = 0; j < top; j++) {
                assertEquals(order[j], lp.topIds()[j], "rank " + j);
                assertEquals(row[offset + order[j]] - logZ, lp.topLogprobs()[j], 1e-4);
            }
        }
        assertArrayEquals(new int[]{10, 20, 500}, java.util.Arrays.copyOf(TokenLogprob.of(row, offset, vocab, 0, 3).topIds(), 3));
    }
}
