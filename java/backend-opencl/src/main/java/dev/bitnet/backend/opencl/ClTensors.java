package dev.bitnet.backend.opencl;

import dev.bitnet.backend.Tensor;
import org.jocl.cl_mem;

/** The tensors of the OpenCL backend: handles to device buffers with their shapes. */
final class ClTensors {
    private ClTensors() {
    }

    /** What every tensor of this backend has: its device buffer(s). */
    sealed interface ClTensor extends Tensor permits Floats, Ternary, Halfs, Int8Rows {
        cl_mem mem();
    }

    /** An f32 matrix [rows][cols] (activations, RMSNorm weights as one row). */
    record Floats(cl_mem mem, int rows, int cols) implements ClTensor {
        @Override
        public long bytes() {
            return 4L * rows * cols;
        }
    }

    /**
     * A ternary weight in the device layout of {@code ternary_matmul} (kernels/opencl/bitnet.cl): per row
     * {@code wordsPerRow} 32-bit words of sixteen 2-bit codes.
     */
    record Ternary(cl_mem mem, int rows, int cols, int wordsPerRow, float scale) implements ClTensor {
        static final int COLS_PER_WORD = 16;

        static int wordsPerRow(int cols) {
            return (cols + COLS_PER_WORD - 1) / COLS_PER_WORD;
        }

        @Override
        public long bytes() {
            return 4L * rows * wordsPerRow;
        }
    }

    /** A row-major f16 matrix (the embedding and tied f16 LM head). */
    record Halfs(cl_mem mem, int rows, int cols) implements ClTensor {
        @Override
        public long bytes() {
            return 2L * rows * cols;
        }
    }

    /** An int8 LM head: row-major int8 values and one f32 scale per row. */
    record Int8Rows(cl_mem mem, cl_mem scales, int rows, int cols) implements ClTensor {
        @Override
        public long bytes() {
            return (long) rows * cols + 4L * rows;
        }
    }
}
