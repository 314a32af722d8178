package dev.bitnet.quant;

import dev.bitnet.gguf.GgmlType;
import dev.bitnet.gguf.ModelFormatException;

import java.lang.foreign.MemorySegment;

/**
 * bitnet.cpp's I2_S: the whole tensor (row-major) in blocks of 128 values stored in 32 bytes; value j of a block sits
 * in byte {@code j % 32} at bit shift {@code 6 - 2*(j / 32)}; codes 0, 1, 2 mean -1, 0, +1. After the n/4 code bytes,
 * a 32-byte tail whose first 4 bytes are the f32 per-tensor scale.
 */
final class I2sCodec implements TernaryCodec {
    static final int BLOCK = 128;
    static final int BLOCK_BYTES = 32;

    @Override
    public GgmlType type() {
        return GgmlType.I2_S;
    }

    @Override
    public float decode(MemorySegment src, byte[] out, String where) {
        int blocks = out.length / BLOCK;
        byte[] packed = src.asSlice(0, (long) blocks * BLOCK_BYTES).toArray(Layouts.U8);
        for (int b = 0; b < blocks; b++) {
            int base = b * BLOCK_BYTES, first = b * BLOCK;
            for (int i = 0; i < BLOCK_BYTES; i++) {
                int p = packed[base + i] & 0xFF;
                if (Layouts.hasCode3(p)) {
                    throw new ModelFormatException(where + ": invalid I2_S code 3 in the byte at data offset "
                            + (base + i) + " (codes are 0, 1, 2)");
                }
                out[first + i] = (byte) ((p >> 6) - 1);
                out[first + BLOCK_BYTES + i] = (byte) (((p >> 4) & 3) - 1);
                out[first + 2 * BLOCK_BYTES + i] = (byte) (((p >> 2) & 3) - 1);
                out[first + 3 * BLOCK_BYTES + i] = (byte) ((p & 3) - 1);
            }
        }
        return src.get(Layouts.F32, out.length / 4);
    }

    @Override
    public byte[] encode(byte[] trits, float scale) {
        byte[] dst = new byte[trits.length / 4 + GgmlType.I2S_TAIL_BYTES];
        for (int j = 0; j < trits.length; j++) {
            int block = j / BLOCK, inBlock = j % BLOCK;
            int index = block * BLOCK_BYTES + inBlock % BLOCK_BYTES;
            dst[index] |= (byte) ((trits[j] + 1) << (6 - 2 * (inBlock / BLOCK_BYTES)));
        }
        Layouts.putF32(dst, trits.length / 4, scale);
        return dst;
    }
}
