package dev.bitnet.quant;

import dev.bitnet.gguf.GgmlType;

import java.lang.foreign.MemorySegment;

/** F32: one little-endian IEEE single per value. */
final class F32Codec implements FloatCodec {
    static final F32Codec INSTANCE = new F32Codec();

    @Override
    public GgmlType type() {
        return GgmlType.F32;
    }

    @Override
    public void decode(MemorySegment src, long first, float[] out) {
        MemorySegment.copy(src, Layouts.F32, 4 * first, out, 0, out.length);
    }

    @Override
    public byte[] encode(float[] values) {
        byte[] dst = new byte[4 * values.length];
        MemorySegment.copy(values, 0, MemorySegment.ofArray(dst), Layouts.F32, 0, values.length);
        return dst;
    }
}
