package dev.bitnet.backend;

/**
 * Settings a backend is created with.
 *
 * @param threads worker threads for CPU work (0 = one per available core)
 * @param device  backend-specific device selector after the colon of {@code --backend name:device} ("" = best)
 */
public record BackendOptions(int threads, String device) {
    public static BackendOptions defaults() {
        return new BackendOptions(0, "");
    }

    public int threadsOrCores() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }
}
