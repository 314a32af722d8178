package dev.bitnet.quant;

import dev.bitnet.gguf.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * One float or block-float file layout (F32, F16, BF16, Q8_0, Q6_K): packed little-endian bytes to and from f32 values.
 * Decoding can start at any value index (so a row of a matrix decodes on its own); encoding takes whole blocks.
 */
public interface FloatCodec {
    GgmlType type();

    /** Decodes values {@code [first, first + out.length)} of a tensor of this type into {@code out}. */
    void decode(MemorySegment src, long first, float[] out);

    /** Encodes {@code values} (a whole number of blocks) into this layout. */
    byte[] encode(float[] values);

    static FloatCodec of(GgmlType type) {
        return switch (type) {
            case F32 -> F32Codec.INSTANCE;
            case F16 -> F16Codec.INSTANCE;
            case BF16 -> Bf16Codec.INSTANCE;
            case Q8_0 -> Q8_0Codec.INSTANCE;
            case Q6_K -> Q6KCodec.INSTANCE;
            default -> throw new IllegalArgumentException(type + " is not a float type");
        };
    }

    /** Fails when {@code values} is not a whole number of {@code block}-value blocks. */
    static void requireBlocks(GgmlType type, int values) {
        if (values % type.blockSize() != 0) {
            throw new IllegalArgumentException(type + " needs a multiple of " + type.blockSize() + " values, got " + values);
        }
    }
}
