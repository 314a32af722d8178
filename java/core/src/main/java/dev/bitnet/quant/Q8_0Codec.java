package dev.bitnet.quant;

import dev.bitnet.gguf.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * ggml's Q8_0: blocks of 32 values as {@code f16 d; int8 qs[32]} (34 bytes); value i of a block is {@code d * qs[i]}.
 * Encoding as ggml's quantize_row_q8_0_ref: d = max|x| / 127, qs = round(x / d).
 */
final class Q8_0Codec implements FloatCodec {
    static final Q8_0Codec INSTANCE = new Q8_0Codec();
    private static final int BLOCK = 32, BLOCK_BYTES = 34;

    @Override
    public GgmlType type() {
        return GgmlType.Q8_0;
    }

    @Override
    public void decode(MemorySegment src, long first, float[] out) {
        for (int i = 0; i < out.length; i++) {
            long v = first + i, block = v / BLOCK * BLOCK_BYTES;
            out[i] = Layouts.f16(src, block) * src.get(Layouts.U8, block + 2 + v % BLOCK);
        }
    }

    @Override
    public byte[] encode(float[] values) {
        FloatCodec.requireBlocks(type(), values.length);
        byte[] dst = new byte[values.length / BLOCK * BLOCK_BYTES];
        for (int b = 0; b < values.length / BLOCK; b++) {
            float d = Layouts.maxAbs(values, b * BLOCK, BLOCK) / 127f;
            float id = d == 0 ? 0 : 1f / d;
            Layouts.putF16(dst, b * BLOCK_BYTES, d);
            for (int i = 0; i < BLOCK; i++) dst[b * BLOCK_BYTES + 2 + i] = (byte) Math.round(values[b * BLOCK + i] * id);
        }
        return dst;
    }
}
