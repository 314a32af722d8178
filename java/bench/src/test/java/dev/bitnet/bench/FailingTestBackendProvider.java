package dev.bitnet.bench;

import dev.bitnet.backend.Backend;
import dev.bitnet.backend.BackendOptions;
import dev.bitnet.backend.BackendProvider;

import java.lang.reflect.Proxy;
import java.util.List;

/** A backend that is available but fails on its first operation (like a device lost while loading), for the tests. */
public final class FailingTestBackendProvider implements BackendProvider {
    static final String NAME = "failing-test";
    static final String MESSAGE = "device lost while loading";

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
        return null;
    }

    @Override
    public List<String> devices() {
        return List.of("test device");
    }

    @Override
    public Backend create(BackendOptions options) {
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[]{Backend.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "name" -> NAME;
                    case "description" -> "fails on purpose";
                    case "close" -> null;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> NAME;
                    default -> throw new IllegalStateException(MESSAGE);
                });
    }
}
