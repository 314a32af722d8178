package dev.bitnet.backend.cpu;

import dev.bitnet.backend.Tensor;
import dev.bitnet.quant.F16Matrix;

/** The CPU backend's plain tensors (its ternary weights are {@link PackedTernary}). */
final class CpuTensors {
    private CpuTensors() {
    }

    /** f32 rows x cols, row-major: activations and norm weights. */
    record Floats(int rows, int cols, float[] data) implements Tensor {
        @Override
        public long bytes() {
            return 4L * data.length;
        }
    }

    /** The f16 embedding / LM head, kept as the memory-mapped slice of the model file (no copy). */
    record Embedding(F16Matrix matrix) implements Tensor {
        @Override
        public int rows() {
            return matrix.rows();
        }

        @Override
        public int cols() {
            return matrix.cols();
        }

        @Override
        public long bytes() {
            return matrix.data().byteSize();
        }
    }

    /** An int8-per-row LM head ({@code --lm-head q8}). */
    record Int8Head(dev.bitnet.quant.Int8RowMatrix matrix) implements Tensor {
        @Override
        public int rows() {
            return matrix.rows();
        }

        @Override
        public int cols() {
            return matrix.cols();
        }

        @Override
        public long bytes() {
            return matrix.q().length + 4L * matrix.scales().length;
        }
    }
}
