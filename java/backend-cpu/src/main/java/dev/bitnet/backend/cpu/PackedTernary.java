package dev.bitnet.backend.cpu;

import dev.bitnet.backend.Tensor;

/**
 * A ternary weight repacked for {@link TernaryKernel}: per row, {@code paddedCols / 8} shorts of 2-bit codes
 * (see the kernel for the layout).
 *
 * @param rows       output features
 * @param cols       input features
 * @param paddedCols cols rounded up to a whole number of kernel chunks
 * @param codes      rows * paddedCols / 8 packed shorts
 * @param scale      the per-tensor weight scale
 */
record PackedTernary(int rows, int cols, int paddedCols, short[] codes, float scale) implements Tensor {
    @Override
    public long bytes() {
        return 2L * codes.length;
    }

    int shortsPerRow() {
        return paddedCols / 8;
    }
}
