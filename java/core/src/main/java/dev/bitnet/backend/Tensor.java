package dev.bitnet.backend;

/**
 * A handle to data that lives on a backend (host memory for the CPU backends, device memory for the GPU ones). Only
 * the backend that made a tensor can read it; the model graph passes handles around and never looks inside.
 * Activation tensors are f32 matrices of {@code rows} token rows by {@code cols}; an operation touches only the first
 * {@link ForwardBatch#tokenCount()} rows of the current step.
 */
public interface Tensor {
    int rows();

    int cols();

    /** Bytes this tensor occupies on its backend (for memory reports). */
    long bytes();
}
