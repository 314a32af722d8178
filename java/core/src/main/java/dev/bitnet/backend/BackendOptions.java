package dev.bitnet.backend;

/**
 * Settings a backend is created with.
 *
 * @param threads worker threads for CPU work (0 = one per physical core available, {@link PhysicalCores})
 * @param device  backend-specific device selector after the colon of {@code --backend name:device} ("" = best)
 */
public record BackendOptions(int threads, String device) {
    /** More worker threads than this is a typo, not a machine (ggml's limit too); refused before any is started. */
    public static final int MAX_THREADS = 512;

    public BackendOptions {
        if (threads > MAX_THREADS) {
            throw new dev.bitnet.api.BitNetException("threads: at most " + MAX_THREADS + ", not " + threads);
        }
    }

    public static BackendOptions defaults() {
        return new BackendOptions(0, "");
    }

    /** {@code threads}, or where it is 0 the physical cores available ({@link PhysicalCores#available()}). */
    public int threadsOrCores() {
        return threads > 0 ? threads : PhysicalCores.available();
    }

    /** For backends with a single device (the host): refuses a device selector, which would otherwise be ignored. */
    public void requireNoDevice(String backend) {
        if (!device.isEmpty()) {
            throw new dev.bitnet.api.BitNetException("backend '" + backend + "' runs on the host CPU and has no device '"
                    + device + "' (use --backend " + backend + ")");
        }
    }
}
