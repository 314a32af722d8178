package dev.bitnet.bench;

import dev.bitnet.backend.Backend;
import dev.bitnet.backend.BackendOptions;
import dev.bitnet.backend.BackendProvider;

import java.util.List;

/** A backend that is never available (like OpenCL without a platform), registered for the tests only. */
public final class UnavailableTestBackendProvider implements BackendProvider {
    static final String NAME = "unavailable-test";
    static final String REASON = "no test device on this machine";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return -100;
    }

    @Override
    public String unavailableReason() {
        return REASON;
    }

    @Override
    public List<String> devices() {
        return List.of();
    }

    @Override
    public Backend create(BackendOptions options) {
        throw new AssertionError("an unavailable backend must not be created");
    }
}
