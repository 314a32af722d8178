package dev.bitnet.backend.cpu;

import dev.bitnet.quant.F16Matrix;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The f16 logit kernel against a double-precision dot product of the same halves: every half pattern class (normal,
 * subnormal, zero, both signs, the largest), hidden states of ordinary and of huge magnitude (the pre-scaling's
 * overflow guard), widths with and without a scalar tail.
 */
class LmHeadKernelTest {
    @Test
    void matchesADoublePrecisionDotProduct() {
        SplittableRandom r = new SplittableRandom(5);
        for (int d : new int[]{64, 2560, 2570}) {
            int rows = 64;
            short[] h = new short[rows * d];
            for (int i = 0; i < h.length; i++) {
                h[i] = switch (i % 7) {
                    case 0 -> (short) r.nextInt(0x0400);              // subnormal, positive
                    case 1 -> (short) (0x8000 | r.nextInt(0x0400));   // subnormal, negative
                    case 2 -> (short) (i % 2 == 0 ? 0x7BFF : 0xFBFF); // +-65504
                    default -> Float.floatToFloat16((float) r.nextGaussian());
                };
            }
            F16Matrix e = new F16Matrix(rows, d, MemorySegment.ofArray(h));
            for (float magnitude : new float[]{1f, 1e-30f, 3e4f, 1e9f}) {
                float[] x = new float[d];
                for (int i = 0; i < d; i++) x[i] = (float) (r.nextGaussian() * magnitude);
                LmHeadKernel.Split split = LmHeadKernel.split(x, 0, d);
                for (int row = 0; row < rows; row++) {
                    double exact = 0, scale = 0;
                    for (int c = 0; c < d; c++) {
                        exact += (double) e.get(row, c) * x[c];
                        scale += Math.abs((double) e.get(row, c) * x[c]);
                    }
                    assertEquals(exact, LmHeadKernel.dot(e, row, split), 1e-5 * scale + Double.MIN_VALUE,
                            "d=" + d + " |x|~" + magnitude + " row " + row);
                }
            }
        }
    }

    /** A batched decode's pairs of hidden states: each sum the same bits as alone, through the backend's kernels too. */
    @Test
    void twoHiddenStatesAtOnceGiveTheBitsOfEachAlone() {
        SplittableRandom r = new SplittableRandom(6);
        for (int d : new int[]{64, 2560, 2570}) {
            int rows = 19;
            short[] h = new short[rows * d];
            for (int i = 0; i < h.length; i++) h[i] = i % 9 == 0 ? (short) r.nextInt(0x0400) : Float.floatToFloat16((float) r.nextGaussian());
            F16Matrix e = new F16Matrix(rows, d, MemorySegment.ofArray(h));
            float[] magnitudes = {1f, 1e9f, 3e-3f, 2f, 1e6f};
            float[] x = new float[magnitudes.length * d];
            for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextGaussian() * magnitudes[i / d]);
            LmHeadKernel.Split a = LmHeadKernel.split(x, 0, d), b = LmHeadKernel.split(x, d, d);
            float[] out = new float[2 * rows];
            for (int row = 0; row < rows; row++) {
                LmHeadKernel.dot2(e, row, a, b, out, row, rows);
                assertEquals(LmHeadKernel.dot(e, row, a), out[row], "d=" + d + " row " + row + ", first state");
                assertEquals(LmHeadKernel.dot(e, row, b), out[rows + row], "d=" + d + " row " + row + ", second state");
            }
            VectorKernels k = new VectorKernels();
            CpuTensors.Embedding head = new CpuTensors.Embedding(e);
            int[] all = {0, 1, 2, 3, 4};
            float[] together = new float[all.length * rows], alone = new float[rows];
            k.prepareHead(x, all, head);
            k.headRows(head, 0, rows, together);
            for (int t = 0; t < all.length; t++) {
                k.prepareHead(x, new int[]{t}, head);
                k.headRows(head, 0, rows, alone);
                assertEquals(java.util.Arrays.toString(alone), java.util.Arrays.toString(java.util.Arrays.copyOfRange(together, t * rows, (t + 1) * rows)),
                        "d=" + d + ": state " + t + " of " + all.length);
            }
        }
    }

    @Test
    void int8RowsMatchADoublePrecisionDotProduct() {
        SplittableRandom r = new SplittableRandom(6);
        for (int d : new int[]{7, 64, 100, 2560, 2570}) {
            int rows = 9;
            byte[] q = new byte[rows * d];
            float[] scales = new float[rows], x = new float[d + 3];
            for (int i = 0; i < q.length; i++) q[i] = (byte) (r.nextInt(256) - 128);
            for (int v = 0; v < rows; v++) scales[v] = (float) r.nextDouble(0.001, 0.1);
            for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
            dev.bitnet.quant.Int8RowMatrix m = new dev.bitnet.quant.Int8RowMatrix(rows, d, q, scales);
            for (int row = 0; row < rows; row++) {
                double exact = 0, scale = 0;
                for (int c = 0; c < d; c++) {
                    exact += (double) q[row * d + c] * x[3 + c];
                    scale += Math.abs((double) q[row * d + c] * x[3 + c]);
                }
                assertEquals(exact * scales[row], LmHeadKernel.dot(m, row, x, 3), 1e-5 * scale * scales[row], "d=" + d + " row " + row);
            }
        }
    }
}
