package dev.bitnet.quant;

import dev.bitnet.gguf.ModelFormatException;

import java.lang.foreign.MemorySegment;

/**
 * The shared shape of ggml's ternary block layouts (TQ1_0, TQ2_0): blocks of 256 values, each some packed bytes
 * followed by an f16 scale d. Subclasses only say how one block's bytes map to its 256 trits; the loop over blocks and
 * the one-scale-per-tensor rule ({@link BlockScale}) live here.
 */
abstract class BlockTernaryCodec implements TernaryCodec {
    static final int BLOCK = 256;

    /** Bytes of packed trits before the f16 d. */
    abstract int packedBytes();

    /**
     * Decodes one block's packed bytes at {@code base} into {@code out[first, first + 256)}.
     *
     * @return -1, or the index within the block of a byte holding an invalid code (then {@code out} is undefined)
     */
    abstract int decodeBlock(MemorySegment src, long base, byte[] out, int first);

    /** Packs {@code trits[first, first + 256)} into {@code dst[base, base + packedBytes())}. */
    abstract void encodeBlock(byte[] trits, int first, byte[] dst, int base);

    private int blockBytes() {
        return packedBytes() + 2;
    }

    @Override
    public final float decode(MemorySegment src, byte[] out, String where) {
        BlockScale scale = new BlockScale(where);
        for (int b = 0; b < out.length / BLOCK; b++) {
            long base = (long) b * blockBytes();
            int bad = decodeBlock(src, base, out, b * BLOCK);
            if (bad >= 0) {
                throw new ModelFormatException(where + ": invalid " + type() + " code 3 in the byte at data offset "
                        + (base + bad) + " (block " + b + "; codes are 0, 1, 2)");
            }
            boolean nonZero = false;
            for (int i = b * BLOCK; i < (b + 1) * BLOCK && !nonZero; i++) nonZero = out[i] != 0;
            scale.accept(b, Layouts.f16(src, base + packedBytes()), nonZero);
        }
        return scale.value();
    }

    @Override
    public final byte[] encode(byte[] trits, float scale) {
        byte[] dst = new byte[trits.length / BLOCK * blockBytes()];
        for (int b = 0; b < trits.length / BLOCK; b++) {
            encodeBlock(trits, b * BLOCK, dst, b * blockBytes());
            Layouts.putF16(dst, b * blockBytes() + packedBytes(), scale);
        }
        return dst;
    }
}
