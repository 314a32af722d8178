package dev.bitnet.backend.cpu;

import dev.bitnet.backend.Backend;
import dev.bitnet.backend.BackendOptions;
import dev.bitnet.backend.BackendProvider;
import dev.bitnet.backend.PhysicalCores;

import java.util.List;

/** Registers the {@link CpuBackend}: the default wherever the Vector API module is present. */
public final class CpuBackendProvider implements BackendProvider {
    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public int priority() {
        return 100;
    }

    @Override
    public String unavailableReason() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent() ? null
                : "the JVM was started without --add-modules jdk.incubator.vector";
    }

    @Override
    public List<String> devices() {
        return List.of("host CPU: " + PhysicalCores.describe() + ", "
                + jdk.incubator.vector.ShortVector.SPECIES_PREFERRED.vectorBitSize() + "-bit vectors");
    }

    @Override
    public Backend create(BackendOptions options) {
        options.requireNoDevice(name());
        return new CpuBackend(options.threadsOrCores());
    }
}
