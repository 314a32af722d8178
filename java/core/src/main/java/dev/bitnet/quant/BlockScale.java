package dev.bitnet.quant;

import dev.bitnet.gguf.ModelFormatException;

/**
 * The per-tensor scale of a layout that stores a scale d in every block (TQ1_0, TQ2_0): BitNet weights have one
 * scale per tensor, so every block holding a non-zero trit must carry the same d (all-zero blocks may carry any).
 */
final class BlockScale {
    private final String where;
    private float d = Float.NaN;

    BlockScale(String where) {
        this.where = where;
    }

    void accept(int block, float blockD, boolean hasNonZero) {
        if (!hasNonZero) return;
        if (Float.isNaN(d)) {
            d = blockD;
        } else if (blockD != d) {
            throw new ModelFormatException(where + ": block " + block + " has scale " + blockD + " but earlier blocks "
                    + d + "; BitNet tensors need one scale per tensor");
        }
    }

    /** The shared d (1 when every block is zero). */
    float value() {
        return Float.isNaN(d) ? 1f : d;
    }
}
