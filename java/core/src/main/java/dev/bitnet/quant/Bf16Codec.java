package dev.bitnet.quant;

import dev.bitnet.gguf.GgmlType;

import java.lang.foreign.MemorySegment;

/** BF16: the top 16 bits of an f32, little-endian; encoding rounds to nearest even (NaN stays a quiet NaN). */
final class Bf16Codec implements FloatCodec {
    static final Bf16Codec INSTANCE = new Bf16Codec();

    @Override
    public GgmlType type() {
        return GgmlType.BF16;
    }

    static float toFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) return (short) ((bits >>> 16) | 0x40);
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }

    @Override
    public void decode(MemorySegment src, long first, float[] out) {
        for (int i = 0; i < out.length; i++) out[i] = toFloat(src.get(Layouts.F16, 2 * (first + i)));
    }

    @Override
    public byte[] encode(float[] values) {
        byte[] dst = new byte[2 * values.length];
        for (int i = 0; i < values.length; i++) Layouts.putU16(dst, 2 * i, fromFloat(values[i]));
        return dst;
    }
}
