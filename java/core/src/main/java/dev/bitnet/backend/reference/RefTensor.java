package dev.bitnet.backend.reference;

import dev.bitnet.backend.Tensor;

/** The reference backend's tensors: plain Java arrays. */
sealed interface RefTensor extends Tensor {

    /** f32 rows x cols, row-major (activations and vectors). */
    record Floats(int rows, int cols, float[] data) implements RefTensor {
        @Override
        public long bytes() {
            return 4L * data.length;
        }
    }

    /** A ternary weight, one trit per byte, row-major. */
    record Ternary(int rows, int cols, byte[] trits, float scale) implements RefTensor {
        @Override
        public long bytes() {
            return trits.length;
        }
    }

    /** An f16 matrix kept as raw half-float bits (the embedding / LM head). */
    record Halfs(int rows, int cols, short[] data) implements RefTensor {
        @Override
        public long bytes() {
            return 2L * data.length;
        }
    }

    /** An int8-per-row LM head. */
    record Int8Rows(int rows, int cols, byte[] q, float[] scales) implements RefTensor {
        @Override
        public long bytes() {
            return q.length + 4L * scales.length;
        }
    }
}
