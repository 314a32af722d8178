package dev.bitnet.quant;

import dev.bitnet.gguf.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * ggml's TQ2_0: blocks of 256 values as {@code uint8 qs[64]; f16 d} (66 bytes). Value {@code 128j + 32l + m}
 * (j in 0..1, l in 0..3, m in 0..31) is {@code ((qs[32j + m] >> 2l) & 3) - 1}, least significant bits first.
 */
final class Tq2Codec implements TernaryCodec {
    static final int BLOCK = 256;
    static final int BLOCK_BYTES = 66;

    @Override
    public GgmlType type() {
        return GgmlType.TQ2_0;
    }

    @Override
    public float decode(MemorySegment src, byte[] out, String where) {
        BlockScale scale = new BlockScale(where);
        for (int b = 0; b < out.length / BLOCK; b++) {
            long base = (long) b * BLOCK_BYTES;
            boolean nonZero = false;
            for (int i = 0; i < 64; i++) {
                int packed = Layouts.u8(src, base + i);
                int j = i / 32, m = i % 32;
                for (int l = 0; l < 4; l++) {
                    int t = ((packed >> (2 * l)) & 3) - 1;
                    nonZero |= t != 0;
                    out[b * BLOCK + 128 * j + 32 * l + m] = (byte) t; // code 3 (t = 2) cannot come from ggml; kept as is
                }
            }
            scale.accept(b, Layouts.f16(src, base + 64), nonZero);
        }
        return scale.value();
    }

    @Override
    public byte[] encode(byte[] trits, float scale) {
        byte[] dst = new byte[trits.length / BLOCK * BLOCK_BYTES];
        for (int b = 0; b < trits.length / BLOCK; b++) {
            for (int v = 0; v < BLOCK; v++) {
                int j = v / 128, l = (v % 128) / 32, m = v % 32;
                dst[b * BLOCK_BYTES + 32 * j + m] |= (byte) ((trits[b * BLOCK + v] + 1) << (2 * l));
            }
            Layouts.putF16(dst, b * BLOCK_BYTES + 64, scale);
        }
        return dst;
    }
}
