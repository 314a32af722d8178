package dev.bitnet.testing;

import dev.bitnet.api.BitNetModel;
import dev.bitnet.backend.ForwardBatch;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The expected log-probability of each prompt token given the ones before it, computed without the scheduler: steps
 * of at most {@code step} tokens asking for every row's logits, and a log-softmax in double precision.
 */
public final class PromptLogprobs {
    private PromptLogprobs() {
    }

    /** {@code [i]} = log p(ids[i + 1] | ids[0..i]), for i = 0 .. ids.length - 2. */
    public static double[] expected(BitNetModel model, int[] ids, int step) {
        int vocab = model.config().vocabSize();
        var table = model.newBlockTable();
        try {
            table.ensureCapacity(ids.length);
            float[] logits = new float[ids.length * vocab];
            for (int from = 0; from < ids.length; from += step) {
                int[] chunk = Arrays.copyOfRange(ids, from, Math.min(ids.length, from + step));
                ForwardBatch one = ForwardBatch.single(chunk, from, table.blocks(), BitNetModel.KV_BLOCK_SIZE);
                float[] part = new float[chunk.length * vocab];
                model.forward(new ForwardBatch(one.tokens(), one.positions(), one.seqIndex(), one.blockTables(),
                        IntStream.range(0, chunk.length).toArray(), BitNetModel.KV_BLOCK_SIZE), part);
                System.arraycopy(part, 0, logits, from * vocab, part.length);
            }
            double[] out = new double[ids.length - 1];
            for (int i = 0; i + 1 < ids.length; i++) {
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int v = 0; v < vocab; v++) max = Math.max(max, logits[i * vocab + v]);
                for (int v = 0; v < vocab; v++) sum += Math.exp(logits[i * vocab + v] - max);
                out[i] = logits[i * vocab + ids[i + 1]] - max - Math.log(sum);
            }
            return out;
        } finally {
            table.release();
        }
    }
}
