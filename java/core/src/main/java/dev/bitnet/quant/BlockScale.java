package dev.bitnet.quant;

import dev.bitnet.gguf.ModelFormatException;

/**
 * The per-tensor scale of a layout that stores a scale d in every block (TQ1_0, TQ2_0): BitNet weights have one
 * scale per tensor, so every block holding a non-zero trit must carry the same d, up to f16 rounding (one f16 step:
 * a writer that computed d per block from slightly different values may round differently). All-zero blocks may carry
 * any d. The tensor's scale is the first non-zero block's d.
 */
final class BlockScale {
    /** Relative width of one f16 step (10 fraction bits). */
    private static final float F16_STEP = 0x1p-10f;

    private final String where;
    private float d = Float.NaN;
    private int firstBlock = -1;

    BlockScale(String where) {
        this.where = where;
    }

    void accept(int block, float blockD, boolean hasNonZero) {
        if (!hasNonZero) return;
        if (Float.isNaN(d)) {
            d = blockD;
            firstBlock = block;
        } else if (!(Math.abs(blockD - d) <= F16_STEP * Math.max(Math.abs(d), Math.abs(blockD)))) {
            throw new ModelFormatException(where + ": block " + block + " has scale d = " + blockD + " but block "
                    + firstBlock + " has " + d + "; BitNet tensors need one scale per tensor (equal up to f16 rounding)");
        }
    }

    /** The shared d (1 when every block is zero). */
    float value() {
        return Float.isNaN(d) ? 1f : d;
    }
}
