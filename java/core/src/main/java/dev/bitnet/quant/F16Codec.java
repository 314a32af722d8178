package dev.bitnet.quant;

import dev.bitnet.gguf.GgmlType;

import java.lang.foreign.MemorySegment;

/** F16: one little-endian IEEE half per value ({@link Float#float16ToFloat}, round-to-nearest-even encoding). */
final class F16Codec implements FloatCodec {
    static final F16Codec INSTANCE = new F16Codec();

    @Override
    public GgmlType type() {
        return GgmlType.F16;
    }

    @Override
    public void decode(MemorySegment src, long first, float[] out) {
        for (int i = 0; i < out.length; i++) out[i] = Layouts.f16(src, 2 * (first + i));
    }

    @Override
    public byte[] encode(float[] values) {
        byte[] dst = new byte[2 * values.length];
        for (int i = 0; i < values.length; i++) Layouts.putF16(dst, 2 * i, values[i]);
        return dst;
    }
}
