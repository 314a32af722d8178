package dev.bitnet.quant;

import dev.bitnet.gguf.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * ggml's TQ2_0: blocks of 256 values as {@code uint8 qs[64]; f16 d} (66 bytes). Value {@code 128j + 32l + m}
 * (j in 0..1, l in 0..3, m in 0..31) is {@code ((qs[32j + m] >> 2l) & 3) - 1}, least significant bits first. Code 3
 * is invalid (ggml's quantiser never writes it; it would decode to 2).
 */
final class Tq2Codec extends BlockTernaryCodec {
    @Override
    public GgmlType type() {
        return GgmlType.TQ2_0;
    }

    @Override
    int packedBytes() {
        return 64;
    }

    @Override
    int decodeBlock(MemorySegment src, long base, byte[] out, int first) {
        for (int i = 0; i < 64; i++) {
            int packed = Layouts.u8(src, base + i), j = i / 32, m = i % 32;
            if (Layouts.hasCode3(packed)) return i;
            for (int l = 0; l < 4; l++) out[first + 128 * j + 32 * l + m] = (byte) (((packed >> (2 * l)) & 3) - 1);
        }
        return -1;
    }

    @Override
    void encodeBlock(byte[] trits, int first, byte[] dst, int base) {
        for (int v = 0; v < BLOCK; v++) {
            int j = v / 128, l = (v % 128) / 32, m = v % 32;
            dst[base + 32 * j + m] |= (byte) ((trits[first + v] + 1) << (2 * l));
        }
    }
}
