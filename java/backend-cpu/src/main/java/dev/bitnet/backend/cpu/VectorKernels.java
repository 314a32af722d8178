package dev.bitnet.backend.cpu;

import dev.bitnet.backend.Tensor;
import dev.bitnet.quant.TernaryMatrix;

import java.util.Arrays;

/** {@link MatrixKernels} on the JDK Vector API: {@link TernaryKernel} and {@link LmHeadKernel}. */
final class VectorKernels implements MatrixKernels {
    /**
     * Activations of the tokens multiplied together against a range of rows: as many tokens as fit in 16 KB, but at
     * least the four of {@link TernaryKernel#dot4} (20 KB of 2B4T's 2560 columns as shorts, 55 KB of 6912), all the
     * range's rows for them, four tokens at a time, then the next tokens. Row after row
     * against every token of a 128-token prompt read 256 bytes of activations from L2 for each 32 bytes of codes. 2B4T
     * pp128 on the AVX2 VM, 2 threads, old and new builds alternating, 7 pairs: mean 17.9 -> 23.9 tok/s (+34%; 8 KB
     * and 16 KB the same within the noise, 32 KB 23, 64 KB 19; blocking the rows as well made no difference).
     */
    private static final int Q_BLOCK_BYTES = 16 << 10;
    // per-step activation quantisation: q[token] padded to the kernel's chunk, s and sum(q) per token
    private short[][] q = new short[0][];
    private float[] qScale = new float[0];
    private int[] qSum = new int[0];
    // the LM head's prepared hidden states: split halves for the f16 head, plain rows for the int8 one
    private LmHeadKernel.Split[] split = new LmHeadKernel.Split[0];
    private float[] headX;
    private int[] headOffsets;

    @Override
    public String description() {
        return "Vector API, " + TernaryKernel.S.vectorBitSize() + "-bit vectors";
    }

    @Override
    public Tensor packTernary(TernaryMatrix weight, RowRanges ranges) {
        return TernaryKernel.pack(weight, ranges);
    }

    @Override
    public void reserve(int tokens, Tensor weight) {
        int padded = ((PackedTernary) weight).paddedCols();
        if (q.length < tokens || q[0].length < padded) {
            int width = Math.max(padded, q.length > 0 ? q[0].length : 0);
            q = new short[Math.max(tokens, q.length)][width];
            qScale = new float[q.length];
            qSum = new int[q.length];
        }
    }

    @Override
    public void quantize(float[] x, int from, int to, Tensor weight) {
        PackedTernary w = (PackedTernary) weight;
        int cols = w.cols(), padded = w.paddedCols();
        for (int i = from; i < to; i++) {
            float s = VectorMath.quantScale(x, i * cols, cols);
            qScale[i] = s;
            qSum[i] = VectorMath.quantizeToShorts(x, i * cols, cols, s, q[i], 0);
            Arrays.fill(q[i], cols, padded, (short) 0);
        }
    }

    @Override
    public void ternaryRows(Tensor weight, int from, int to, int tokens, float[] out) {
        PackedTernary w = (PackedTernary) weight;
        int rows = w.rows(), block = Math.max(4, Q_BLOCK_BYTES / (2 * w.paddedCols()) / 4 * 4);
        for (int t0 = 0; t0 < tokens; t0 += block) { // a few tokens' activations stay in L1 while the rows go by
            int t1 = Math.min(tokens, t0 + block);
            for (int r = from; r < to; r++) {
                int i = t0;
                for (; i + 4 <= t1; i += 4) TernaryKernel.dot4(w, r, q, qSum, qScale, i, out, rows);
                for (; i < t1; i++) out[i * rows + r] = TernaryKernel.dot(w, r, q[i], qSum[i]) * w.scale() / qScale[i];
            }
        }
    }

    @Override
    public void prepareHead(float[] x, int[] rows, Tensor head) {
        int d = head.cols();
        if (head instanceof CpuTensors.Embedding) {
            if (d % 2 != 0) throw new IllegalArgumentException("the CPU f16 LM head needs an even hidden size, got " + d);
            split = new LmHeadKernel.Split[rows.length];
            for (int k = 0; k < rows.length; k++) split[k] = LmHeadKernel.split(x, rows[k] * d, d);
        } else {
            headX = x;
            headOffsets = new int[rows.length];
            for (int k = 0; k < rows.length; k++) headOffsets[k] = rows[k] * d;
        }
    }

    @Override
    public void headRows(Tensor head, int from, int to, float[] out) {
        int vocab = head.rows();
        switch (head) {
            case CpuTensors.Embedding e -> { // hidden states in pairs: each row taken apart once for two
                for (int v = from; v < to; v++) {
                    int k = 0;
                    for (; k + 1 < split.length; k += 2) LmHeadKernel.dot2(e.matrix(), v, split[k], split[k + 1], out, k * vocab + v, vocab);
                    if (k < split.length) out[k * vocab + v] = LmHeadKernel.dot(e.matrix(), v, split[k]);
                }
            }
            case CpuTensors.Int8Head h -> {
                for (int v = from; v < to; v++) {
                    for (int k = 0; k < headOffsets.length; k++) out[k * vocab + v] = LmHeadKernel.dot(h.matrix(), v, headX, headOffsets[k]);
                }
            }
            default -> throw new IllegalArgumentException("not an LM head: " + head);
        }
    }
}
