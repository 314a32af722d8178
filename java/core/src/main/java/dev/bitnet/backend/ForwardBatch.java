package dev.bitnet.backend;

import java.util.Arrays;

/**
 * The input of one forward step: a flat list of tokens drawn from one or more sequences (prefill chunks and decode
 * tokens mixed freely), with where each one sits.
 *
 * @param tokens      token ids, one per row of the step's activations
 * @param positions   position of each token within its sequence
 * @param seqIndex    for each token, the index of its sequence in {@code blockTables}
 * @param blockTables per sequence: the KV-cache blocks holding its positions in order (position p lives in block
 *                    {@code blockTables[s][p / blockSize]}, row {@code p % blockSize})
 * @param logitRows   the token rows whose logits the caller wants (usually the last token of each sequence), in the
 *                    order the logits are returned
 * @param blockSize   the KV cache's block size
 */
public record ForwardBatch(int[] tokens, int[] positions, int[] seqIndex, int[][] blockTables, int[] logitRows,
                           int blockSize) {

    public ForwardBatch {
        int n = tokens.length;
        if (positions.length != n || seqIndex.length != n) {
            throw new IllegalArgumentException("tokens, positions and seqIndex differ in length");
        }
        for (int i = 0; i < n; i++) {
            int s = seqIndex[i];
            if (s < 0 || s >= blockTables.length) throw new IllegalArgumentException("token " + i + ": no sequence " + s);
            if (positions[i] / blockSize >= blockTables[s].length) {
                throw new IllegalArgumentException("token " + i + ": position " + positions[i] + " beyond the "
                        + blockTables[s].length + " blocks of sequence " + s);
            }
        }
        for (int r : logitRows) if (r < 0 || r >= n) throw new IllegalArgumentException("logit row " + r + " out of range");
    }

    /** A prefill or decode step of one sequence: tokens at positions start.., logits for the last one. */
    public static ForwardBatch single(int[] tokens, int start, int[] blockTable, int blockSize) {
        int[] pos = new int[tokens.length];
        for (int i = 0; i < pos.length; i++) pos[i] = start + i;
        return new ForwardBatch(tokens, pos, new int[tokens.length], new int[][]{blockTable},
                new int[]{tokens.length - 1}, blockSize);
    }

    public int tokenCount() {
        return tokens.length;
    }

    /** The KV-cache slot token {@code i} writes its key and value to. */
    public int slot(int i) {
        return slotOf(seqIndex[i], positions[i]);
    }

    /** The KV-cache slot of position {@code pos} of sequence {@code seq}. */
    public int slotOf(int seq, int pos) {
        return blockTables[seq][pos / blockSize] * blockSize + pos % blockSize;
    }

    @Override
    public String toString() {
        return "ForwardBatch[tokens=" + Arrays.toString(tokens) + ", positions=" + Arrays.toString(positions) + "]";
    }
}
