package dev.bitnet.backend;

import java.util.List;

/**
 * A backend implementation, found through {@link java.util.ServiceLoader} (each backend module lists its provider in
 * {@code META-INF/services/dev.bitnet.backend.BackendProvider}).
 */
public interface BackendProvider {
    /** The name {@code --backend} selects it by. */
    String name();

    /** Larger is faster; the default backend is the available one with the largest priority. */
    int priority();

    /** {@code null} when this backend can run here, else one line saying why not (no runtime, no device). */
    String unavailableReason();

    /** Devices this backend can run on, one line each, for {@code bitnet devices}. */
    List<String> devices();

    Backend create(BackendOptions options);
}
