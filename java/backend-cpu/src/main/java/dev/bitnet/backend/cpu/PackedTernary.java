package dev.bitnet.backend.cpu;

import dev.bitnet.backend.Tensor;

/**
 * A ternary weight repacked for {@link TernaryKernel}: per row, {@code paddedCols / 16} ints of 2-bit codes
 * (see the kernel for the layout).
 *
 * @param rows       output features
 * @param cols       input features
 * @param paddedCols cols rounded up to a whole number of kernel chunks
 * @param codes      rows * paddedCols / 16 packed ints, two 16-bit lanes each
 * @param scale      the per-tensor weight scale
 */
record PackedTernary(int rows, int cols, int paddedCols, int[] codes, float scale) implements Tensor {
    @Override
    public long bytes() {
        return 4L * codes.length;
    }

    int intsPerRow() {
        return paddedCols / 16;
    }
}
