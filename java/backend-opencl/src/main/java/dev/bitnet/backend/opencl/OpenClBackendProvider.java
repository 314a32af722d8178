package dev.bitnet.backend.opencl;

import dev.bitnet.api.BitNetException;
import dev.bitnet.backend.Backend;
import dev.bitnet.backend.BackendOptions;
import dev.bitnet.backend.BackendProvider;

import java.util.List;

/**
 * Registers the {@link OpenClBackend}. It is the default backend only where a GPU is found; on CPU-only OpenCL
 * platforms (PoCL) it stays selectable with {@code --backend opencl} but the Vector API backend is faster.
 */
public final class OpenClBackendProvider implements BackendProvider {
    private volatile List<ClDevice> devices;
    private volatile String unavailable;

    private void probe() {
        if (devices != null || unavailable != null) return;
        synchronized (this) {
            if (devices != null || unavailable != null) return;
            try {
                devices = ClDevices.list();
            } catch (BitNetException e) {
                unavailable = e.getMessage();
            }
        }
    }

    @Override
    public String name() {
        return "opencl";
    }

    @Override
    public int priority() {
        probe();
        return devices != null && devices.stream().anyMatch(ClDevice::gpu) ? 200 : 50;
    }

    @Override
    public String unavailableReason() {
        probe();
        return unavailable;
    }

    @Override
    public List<String> devices() {
        probe();
        if (devices == null) return List.of();
        return devices.stream().sorted(ClDevices.BEST_FIRST).map(ClDevice::describe).toList();
    }

    @Override
    public Backend create(BackendOptions options) {
        return new OpenClBackend(ClDevices.select(options.device()));
    }
}
