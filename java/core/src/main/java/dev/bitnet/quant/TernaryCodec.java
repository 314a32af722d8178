package dev.bitnet.quant;

import dev.bitnet.gguf.GgmlType;

import java.lang.foreign.MemorySegment;

/** One ternary file layout: packed bytes to and from canonical trits (-1, 0, +1) and their scale. */
public interface TernaryCodec {
    GgmlType type();

    /**
     * Decodes all {@code out.length} trits of a tensor.
     *
     * @param where names the tensor for error messages ("file: tensor 'x'")
     * @return the scale the tensor itself carries (I2_S: its tail; TQ: the d shared by its blocks)
     */
    float decode(MemorySegment src, byte[] out, String where);

    /** Encodes trits with this scale (TQ layouts store it, rounded to f16, in every block). */
    byte[] encode(byte[] trits, float scale);

    static TernaryCodec of(GgmlType type) {
        return switch (type) {
            case I2_S -> new I2sCodec();
            case TQ2_0 -> new Tq2Codec();
            case TQ1_0 -> new Tq1Codec();
            default -> throw new IllegalArgumentException(type + " is not a ternary type");
        };
    }
}
