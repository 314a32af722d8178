package dev.bitnet.backend.reference;

import dev.bitnet.backend.Backend;
import dev.bitnet.backend.BackendOptions;
import dev.bitnet.backend.BackendProvider;

import java.util.List;

/** Registers the {@link ReferenceBackend}: always available, never the default (lowest priority). */
public final class ReferenceBackendProvider implements BackendProvider {
    @Override
    public String name() {
        return "reference";
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public String unavailableReason() {
        return null;
    }

    @Override
    public List<String> devices() {
        return List.of("host CPU, 1 thread (scalar oracle)");
    }

    @Override
    public Backend create(BackendOptions options) {
        options.requireNoDevice(name());
        return new ReferenceBackend();
    }
}
