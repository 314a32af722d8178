package dev.bitnet.backend.cpu;

import dev.bitnet.backend.Tensor;

import java.lang.foreign.MemorySegment;

/**
 * A ternary weight packed by libbitnet_cpu for one kernel set (layout in {@code kernels/cpu/bitnet_cpu.c}):
 * 2-bit codes in native memory, {@code paddedCols / 4} bytes per row (rows grouped and padded per kernel set).
 *
 * @param rows       output features
 * @param cols       input features
 * @param paddedCols cols rounded up to the kernel set's block
 * @param codes      the packed rows (native memory owned by the backend's arena)
 * @param scale      the per-tensor weight scale
 */
record NativeTernary(int rows, int cols, int paddedCols, MemorySegment codes, float scale) implements Tensor {
    @Override
    public long bytes() {
        return codes.byteSize();
    }
}
