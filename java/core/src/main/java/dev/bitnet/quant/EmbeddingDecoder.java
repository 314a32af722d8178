package dev.bitnet.quant;

import dev.bitnet.gguf.GgmlType;
import dev.bitnet.gguf.GgufFile;
import dev.bitnet.gguf.GgufTensorInfo;
import dev.bitnet.gguf.ModelFormatException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.EnumSet;

/**
 * Gives the token embedding as f16 whatever its file type: F16 is the mapped slice itself (no copy); F32, BF16, Q8_0
 * and Q6_K are decoded ({@link FloatCodec}) row by row into new off-heap f16 memory. Rows are ne1, columns ne0.
 */
public final class EmbeddingDecoder {
    private static final EnumSet<GgmlType> FLOAT_TYPES =
            EnumSet.of(GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q6_K);

    private EmbeddingDecoder() {
    }

    /** Supports F16 (no copy), F32, BF16, Q8_0 and Q6_K. */
    public static F16Matrix toF16(GgufFile file, GgufTensorInfo tensor) {
        if (!FLOAT_TYPES.contains(tensor.type())) {
            throw new ModelFormatException(file.path() + ": tensor '" + tensor.name() + "' has type " + tensor.type()
                    + ", expected one of " + FLOAT_TYPES);
        }
        long rows = tensor.rows(), cols = tensor.cols();
        if (rows > Integer.MAX_VALUE || cols > Integer.MAX_VALUE) {
            throw new ModelFormatException(file.path() + ": tensor '" + tensor.name() + "' " + tensor.shape() + " is too large");
        }
        return toF16(tensor.type(), file.data(tensor), (int) rows, (int) cols);
    }

    /**
     * {@code rows x cols} values of a float type ({@link #toF16(GgufFile, GgufTensorInfo)}'s types) as f16: F16 data
     * itself, others converted into new off-heap memory.
     */
    public static F16Matrix toF16(GgmlType type, MemorySegment src, int rows, int cols) {
        if (type == GgmlType.F16) return new F16Matrix(rows, cols, src);
        MemorySegment dst = Arena.ofAuto().allocate((long) rows * cols * 2, 64);
        float[] row = new float[cols];
        for (long r = 0; r < rows; r++) {
            FloatCodecs.decode(type, src, r * cols, row);
            for (int c = 0; c < cols; c++) dst.set(F16Matrix.F16, 2 * (r * cols + c), Float.floatToFloat16(row[c]));
        }
        return new F16Matrix(rows, cols, dst);
    }

    /** An f32 vector tensor (norm weights): F32, F16 or BF16. */
    public static float[] toF32Vector(GgufFile file, GgufTensorInfo tensor) {
        if (tensor.type() != GgmlType.F32 && tensor.type() != GgmlType.F16 && tensor.type() != GgmlType.BF16) {
            throw new ModelFormatException(file.path() + ": tensor '" + tensor.name() + "' has type " + tensor.type()
                    + ", expected F32, F16 or BF16");
        }
        if (tensor.elements() > Integer.MAX_VALUE - 8) {
            throw new ModelFormatException(file.path() + ": tensor '" + tensor.name() + "' is too large for a vector");
        }
        return toF32Vector(tensor.type(), file.data(tensor), (int) tensor.elements());
    }

    /** {@code n} values of a float type (F32, F16, BF16) as f32. */
    public static float[] toF32Vector(GgmlType type, MemorySegment src, int n) {
        float[] out = new float[n];
        FloatCodecs.decode(type, src, 0, out);
        return out;
    }
}
