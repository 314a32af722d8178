package dev.bitnet.quant;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** Per-row int8 quantisation: each value within half a step (scale / 2) of its f16 original, the row's max exact. */
class Int8RowMatrixTest {
    @Test
    void roundingErrorIsAtMostHalfAStep() {
        int rows = 37, cols = 96;
        SplittableRandom r = new SplittableRandom(8);
        short[] h = new short[rows * cols];
        for (int i = 0; i < h.length; i++) h[i] = Float.floatToFloat16((float) (r.nextGaussian() * (1 + i % 5)));
        for (int c = 0; c < cols; c++) h[5 * cols + c] = 0; // an all-zero row
        F16Matrix m = new F16Matrix(rows, cols, MemorySegment.ofArray(h));
        Int8RowMatrix q = Int8RowMatrix.quantize(m);
        for (int row = 0; row < rows; row++) {
            float amax = 0;
            for (int c = 0; c < cols; c++) amax = Math.max(amax, Math.abs(m.get(row, c)));
            assertEquals(amax / 127f, q.scales()[row], 0f);
            for (int c = 0; c < cols; c++) {
                float back = q.q()[row * cols + c] * q.scales()[row];
                assertTrue(Math.abs(back - m.get(row, c)) <= q.scales()[row] / 2 * 1.0001f + 1e-12f, row + "," + c);
            }
        }
    }
}
