package dev.bitnet.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A row-major matrix of IEEE half floats, usually a read-only slice of the memory-mapped model file (the token
 * embedding, which is also the tied LM head).
 *
 * @param rows rows (vocabulary entries)
 * @param cols columns (hidden size)
 * @param data rows*cols little-endian f16 values
 */
public record F16Matrix(int rows, int cols, MemorySegment data) {
    public static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

    public F16Matrix {
        if (data.byteSize() != (long) rows * cols * 2) {
            throw new IllegalArgumentException("f16 matrix " + rows + "x" + cols + " needs " + ((long) rows * cols * 2)
                    + " bytes, got " + data.byteSize());
        }
    }

    public float get(int row, int col) {
        return Float.float16ToFloat(data.get(F16, ((long) row * cols + col) * 2));
    }

    public void row(int row, float[] dst) {
        long base = (long) row * cols * 2;
        for (int c = 0; c < cols; c++) dst[c] = Float.float16ToFloat(data.get(F16, base + 2L * c));
    }
}
