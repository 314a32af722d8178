package dev.bitnet.backend.cpu;

import dev.bitnet.api.BitNetException;
import dev.bitnet.backend.Backend;
import dev.bitnet.backend.BackendOptions;
import dev.bitnet.backend.BackendProvider;
import dev.bitnet.backend.PhysicalCores;

import java.util.List;

/**
 * Registers {@code cpu-native}: the CPU backend with libbitnet_cpu's matrix kernels. {@code --backend cpu-native}
 * takes the best kernel set this CPU runs; {@code cpu-native:avx2} (or {@code :c}, {@code :avx512-vnni}) a given one.
 * Ranked below {@code cpu}: the Vector API backend stays the portable default.
 */
public final class CpuNativeBackendProvider implements BackendProvider {
    @Override
    public String name() {
        return "cpu-native";
    }

    @Override
    public int priority() {
        return 90;
    }

    @Override
    public String unavailableReason() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return "the JVM was started without --add-modules jdk.incubator.vector";
        }
        return LibBitnetCpu.unavailableReason();
    }

    @Override
    public List<String> devices() {
        return LibBitnetCpu.supported().stream()
                .map(isa -> isa.label + ": host CPU, " + PhysicalCores.describe() + ", libbitnet_cpu "
                        + isa.label + " kernels")
                .toList();
    }

    @Override
    public Backend create(BackendOptions options) {
        String why = unavailableReason();
        if (why != null) throw new BitNetException("backend 'cpu-native' is unavailable: " + why);
        List<LibBitnetCpu.Isa> supported = LibBitnetCpu.supported();
        LibBitnetCpu.Isa isa = options.device().isEmpty() ? supported.getFirst() : LibBitnetCpu.Isa.byLabel(options.device());
        if (!supported.contains(isa)) {
            throw new BitNetException("this CPU cannot run libbitnet_cpu's " + isa.label + " kernels (it runs "
                    + String.join(", ", supported.stream().map(i -> i.label).toList()) + ")");
        }
        return new CpuBackend("cpu-native", new NativeKernels(isa), options.threadsOrCores());
    }
}
