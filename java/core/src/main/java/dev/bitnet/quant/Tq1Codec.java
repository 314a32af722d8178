package dev.bitnet.quant;

import dev.bitnet.gguf.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * ggml's TQ1_0: blocks of 256 values as {@code uint8 qs[48]; uint8 qh[4]; f16 d} (54 bytes), base-3 packing. A byte
 * holds up to 5 trits as the fraction {@code q = ceil(v * 256 / 243)} of the base-3 number v (first trit most
 * significant); trit n is {@code (((q * 3^n) mod 256) * 3) >> 8}, minus 1. Order within a block: qs[0..32) hold
 * values {@code 32n + m} (trit n of byte m), qs[32..48) values {@code 160 + 16n + m}, qh[0..4) (4 trits each)
 * values {@code 240 + 4n + m}.
 */
final class Tq1Codec extends BlockTernaryCodec {
    private static final int[] POW3 = {1, 3, 9, 27, 81, 243};

    /** The three byte groups: {first byte, first value, bytes in the group (= value stride between trits)}. */
    private static final int[][] GROUPS = {{0, 0, 32}, {32, 160, 16}, {48, 240, 4}};

    @Override
    public GgmlType type() {
        return GgmlType.TQ1_0;
    }

    @Override
    int packedBytes() {
        return 52;
    }

    /** Value index (within the block) of trit n of packed byte i, for each of the 52 bytes. */
    private static int valueIndex(int i, int n) {
        for (int[] g : GROUPS) {
            if (i < g[0] + g[2]) return g[1] + n * g[2] + (i - g[0]);
        }
        throw new IllegalArgumentException("byte " + i);
    }

    private static int tritsIn(int i) {
        return i < 48 ? 5 : 4;
    }

    @Override
    int decodeBlock(MemorySegment src, long base, byte[] out, int first) { // every byte value decodes to trits
        for (int i = 0; i < 52; i++) {
            int q = Layouts.u8(src, base + i);
            for (int n = 0; n < tritsIn(i); n++) out[first + valueIndex(i, n)] = (byte) (((((q * POW3[n]) & 0xFF) * 3) >> 8) - 1);
        }
        return -1;
    }

    @Override
    void encodeBlock(byte[] trits, int first, byte[] dst, int base) {
        for (int i = 0; i < 52; i++) {
            int v = 0;
            for (int n = 0; n < 5; n++) v = v * 3 + (n < tritsIn(i) ? trits[first + valueIndex(i, n)] + 1 : 0);
            dst[base + i] = (byte) ((v * 256 + 242) / 243);
        }
    }
}
