package dev.bitnet.quant;

import dev.bitnet.gguf.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * Entry points for the float and block-float types an embedding or norm can come in (F32, F16, BF16, Q8_0, Q6_K); each
 * layout lives in its own {@link FloatCodec} ({@link FloatCodec#of}).
 */
public final class FloatCodecs {
    private FloatCodecs() {
    }

    public static float bf16ToFloat(short bits) {
        return Bf16Codec.toFloat(bits);
    }

    /** Round-to-nearest-even f32 to bf16. */
    public static short floatToBf16(float f) {
        return Bf16Codec.fromFloat(f);
    }

    /** Decodes values [first, first + out.length) of a tensor of this type into {@code out}. */
    public static void decode(GgmlType type, MemorySegment src, long first, float[] out) {
        FloatCodec.of(type).decode(src, first, out);
    }

    /** Encodes values (a whole number of blocks) as this type. */
    public static byte[] encode(GgmlType type, float[] values) {
        return FloatCodec.of(type).encode(values);
    }

    /** Q8_0 encoding (d = max|x| / 127 per block of 32), for writing test models. */
    public static byte[] encodeQ8_0(float[] values) {
        return Q8_0Codec.INSTANCE.encode(values);
    }
}
