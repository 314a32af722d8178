package dev.bitnet.quant;

import dev.bitnet.gguf.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * ggml's Q6_K: blocks of 256 values as {@code uint8 ql[128]; uint8 qh[64]; int8 scales[16]; f16 d} (210 bytes), in two
 * halves of 128 values, each using 64 ql, 32 qh and 8 scales. Value {@code 32g + l} of a half (g in 0..3, l in 0..31)
 * has low nibble {@code ql[l + 32(g&1)] >> 4(g>>1)}, high bits {@code (qh[l] >> 2g) & 3}, scale
 * {@code scales[l/16 + 2g]}, and is {@code d * scale * ((low | high << 4) - 32)} (ggml's dequantize_row_q6_K).
 *
 * <p>The encoder is simple (for writing test files): each 16-value group gets the scale max|x| / 31, the block's d
 * maps the largest group scale to 127, and values round to the nearest 6-bit code.
 */
final class Q6KCodec implements FloatCodec {
    static final Q6KCodec INSTANCE = new Q6KCodec();
    private static final int BLOCK = 256, BLOCK_BYTES = 210, QH = 128, SCALES = 192, D = 208;

    @Override
    public GgmlType type() {
        return GgmlType.Q6_K;
    }

    /** Where value {@code inBlock} of a block lives: {ql byte, ql shift, qh byte, qh shift, scale byte}. */
    private static int[] position(int inBlock) {
        int half = inBlock / 128, g = (inBlock % 128) / 32, l = inBlock % 32;
        return new int[]{64 * half + l + 32 * (g & 1), 4 * (g >> 1), QH + 32 * half + l, 2 * g, SCALES + 8 * half + l / 16 + 2 * g};
    }

    private static final int[][] POSITIONS = new int[BLOCK][];

    static {
        for (int i = 0; i < BLOCK; i++) POSITIONS[i] = position(i);
    }

    @Override
    public void decode(MemorySegment src, long first, float[] out) {
        for (int i = 0; i < out.length; i++) {
            long v = first + i, block = v / BLOCK * BLOCK_BYTES;
            int[] p = POSITIONS[(int) (v % BLOCK)];
            int low = (Layouts.u8(src, block + p[0]) >> p[1]) & 0xF;
            int high = (Layouts.u8(src, block + p[2]) >> p[3]) & 3;
            int scale = src.get(Layouts.U8, block + p[4]);
            out[i] = Layouts.f16(src, block + D) * scale * ((low | high << 4) - 32);
        }
    }

    @Override
    public byte[] encode(float[] values) {
        FloatCodec.requireBlocks(type(), values.length);
        byte[] dst = new byte[values.length / BLOCK * BLOCK_BYTES];
        float[] groupScale = new float[16];
        for (int b = 0; b < values.length / BLOCK; b++) {
            int x = b * BLOCK, o = b * BLOCK_BYTES;
            float maxScale = 0;
            for (int s = 0; s < 16; s++) {
                groupScale[s] = Layouts.maxAbs(values, x + 16 * s, 16) / 31f;
                maxScale = Math.max(maxScale, groupScale[s]);
            }
            float d = Float.float16ToFloat(Float.floatToFloat16(maxScale / 127f));
            Layouts.putF16(dst, o + D, d);
            for (int i = 0; i < BLOCK; i++) {
                int[] p = POSITIONS[i];
                if (i % 16 == 0) { // the first value of each 16-group sets that group's int8 scale
                    dst[o + p[4]] = (byte) (d == 0 ? 0 : Math.clamp(Math.round(groupScale[i / 16] / d), -128, 127));
                }
                float step = d * dst[o + p[4]];
                int q = step == 0 ? 32 : Math.clamp(Math.round(values[x + i] / step) + 32, 0, 63);
                dst[o + p[0]] |= (byte) ((q & 0xF) << p[1]);
                dst[o + p[2]] |= (byte) ((q >> 4) << p[3]);
            }
        }
        return dst;
    }
}
