package dev.bitnet.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Little-endian value layouts for reading and writing packed tensor data. */
final class Layouts {
    static final ValueLayout.OfByte U8 = ValueLayout.JAVA_BYTE;
    static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Layouts() {
    }

    static int u8(MemorySegment m, long offset) {
        return Byte.toUnsignedInt(m.get(U8, offset));
    }

    static float f16(MemorySegment m, long offset) {
        return Float.float16ToFloat(m.get(F16, offset));
    }

    static void putF16(byte[] dst, int offset, float value) {
        putU16(dst, offset, Float.floatToFloat16(value));
    }

    static void putU16(byte[] dst, int offset, short value) {
        dst[offset] = (byte) value;
        dst[offset + 1] = (byte) (value >> 8);
    }

    /** max |values[from, from + n)|. */
    static float maxAbs(float[] values, int from, int n) {
        float m = 0;
        for (int i = from; i < from + n; i++) m = Math.max(m, Math.abs(values[i]));
        return m;
    }

    static void putF32(byte[] dst, int offset, float value) {
        int bits = Float.floatToRawIntBits(value);
        for (int i = 0; i < 4; i++) dst[offset + i] = (byte) (bits >> (8 * i));
    }

    /** Whether some 2-bit field of a byte of 2-bit ternary codes holds the invalid code 3 (both bits set). */
    static boolean hasCode3(int packed) {
        return (packed & (packed >> 1) & 0x55) != 0;
    }
}
