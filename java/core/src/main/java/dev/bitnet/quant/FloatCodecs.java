package dev.bitnet.quant;

import dev.bitnet.gguf.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * Decoders of the float and block-float types an embedding or norm can come in, to f32 values. Layouts (ggml):
 * <ul>
 *   <li>F32, F16, BF16: one value each; BF16 is the top half of an f32.</li>
 *   <li>Q8_0: blocks of 32 as {@code f16 d; int8 qs[32]}; value = d * qs[i].</li>
 *   <li>Q6_K: blocks of 256 as {@code uint8 ql[128]; uint8 qh[64]; int8 scales[16]; f16 d}; two halves of 128
 *       values, each from 64 ql, 32 qh and 8 scales: value {@code 32g + l} of a half (g in 0..3, l in 0..31) has low
 *       nibble {@code ql[l + 32(g&1)] >> 4(g>>1)}, high bits {@code (qh[l] >> 2g) & 3}, scale
 *       {@code scales[l/16 + 2g]}, and is {@code d * scale * ((low | high << 4) - 32)}.</li>
 * </ul>
 */
public final class FloatCodecs {
    private FloatCodecs() {
    }

    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** Round-to-nearest-even f32 to bf16. */
    public static short floatToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) return (short) ((bits >>> 16) | 0x40);
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }

    /** Decodes values [first, first + out.length) of a tensor of this type into {@code out}. */
    public static void decode(GgmlType type, MemorySegment src, long first, float[] out) {
        switch (type) {
            case F32 -> {
                for (int i = 0; i < out.length; i++) out[i] = src.get(Layouts.F32, 4 * (first + i));
            }
            case F16 -> {
                for (int i = 0; i < out.length; i++) out[i] = Layouts.f16(src, 2 * (first + i));
            }
            case BF16 -> {
                for (int i = 0; i < out.length; i++) out[i] = bf16ToFloat(src.get(Layouts.F16, 2 * (first + i)));
            }
            case Q8_0 -> {
                for (int i = 0; i < out.length; i++) {
                    long v = first + i, block = v / 32 * 34;
                    out[i] = Layouts.f16(src, block) * src.get(Layouts.U8, block + 2 + v % 32);
                }
            }
            case Q6_K -> {
                for (int i = 0; i < out.length; i++) out[i] = q6k(src, first + i);
            }
            default -> throw new IllegalArgumentException(type + " is not a float type");
        }
    }

    private static float q6k(MemorySegment src, long v) {
        long block = v / 256 * 210;
        int inBlock = (int) (v % 256), half = inBlock / 128, g = (inBlock % 128) / 32, l = inBlock % 32;
        long ql = block + 64L * half, qh = block + 128 + 32L * half, sc = block + 192 + 8L * half;
        int low = (Layouts.u8(src, ql + l + 32 * (g & 1)) >> (4 * (g >> 1))) & 0xF;
        int high = (Layouts.u8(src, qh + l) >> (2 * g)) & 3;
        int scale = src.get(Layouts.U8, sc + l / 16 + 2 * g);
        return Layouts.f16(src, block + 208) * scale * ((low | high << 4) - 32);
    }

    /** Q8_0 encoding (d = max|x| / 127 per block of 32), for writing test models. */
    public static byte[] encodeQ8_0(float[] values) {
        byte[] dst = new byte[values.length / 32 * 34];
        for (int b = 0; b < values.length / 32; b++) {
            float amax = 0;
            for (int i = 0; i < 32; i++) amax = Math.max(amax, Math.abs(values[b * 32 + i]));
            float d = amax / 127f;
            float id = d == 0 ? 0 : 1f / d;
            Layouts.putF16(dst, b * 34, d);
            for (int i = 0; i < 32; i++) dst[b * 34 + 2 + i] = (byte) Math.round(values[b * 32 + i] * id);
        }
        return dst;
    }
}
