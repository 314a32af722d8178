package dev.bitnet.backend.opencl;

import dev.bitnet.api.BitNetException;
import dev.bitnet.backend.Backend;
import dev.bitnet.backend.BackendOptions;
import dev.bitnet.backend.BackendProvider;

import java.nio.file.Files;
import java.nio.file.Path;
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

    /**
     * 200 where OpenCL has a GPU, else 50 (below the CPU backends). On Linux without any GPU device node OpenCL can
     * only offer CPU devices, so this answers 50 without loading an OpenCL driver: choosing the default backend then
     * never loads PoCL, whose LLVM replaces the JVM's signal handlers (see the README, OpenCL backend).
     */
    @Override
    public int priority() {
        if (devices == null && unavailable == null && !gpuPossible()) return 50;
        probe();
        return devices != null && devices.stream().anyMatch(ClDevice::gpu) ? 200 : 50;
    }

    /** False only on Linux with none of NVIDIA's, AMD's or the DRM render nodes, where no GPU can be reached. */
    static boolean gpuPossible() {
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) return true;
        if (Files.exists(Path.of("/dev/nvidiactl")) || Files.exists(Path.of("/dev/kfd"))) return true;
        try (var nodes = Files.newDirectoryStream(Path.of("/dev/dri"), "renderD*")) {
            return nodes.iterator().hasNext();
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
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
