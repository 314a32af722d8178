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
        short h = Float.floatToFloat16(value);
        dst[offset] = (byte) h;
        dst[offset + 1] = (byte) (h >> 8);
    }

    static void putF32(byte[] dst, int offset, float value) {
        int bits = Float.floatToRawIntBits(value);
        for (int i = 0; i < 4; i++) dst[offset + i] = (byte) (bits >> (8 * i));
    }
}
