package dev.bitnet.backend;

import dev.bitnet.api.BitNetException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;

/** Finds backends through {@link ServiceLoader} and creates the one a user names ({@code cpu}, {@code opencl:0:1}). */
public final class Backends {
    private Backends() {
    }

    /** Every backend on the class path, fastest first. */
    public static List<BackendProvider> providers() {
        List<BackendProvider> list = new ArrayList<>();
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) list.add(p);
        list.sort(Comparator.comparingInt(BackendProvider::priority).reversed());
        return list;
    }

    /**
     * Creates a backend from a user's selector: {@code null}, "" or "auto" pick the fastest available one;
     * {@code name} or {@code name:device} a given one.
     */
    public static Backend create(String selector, int threads) {
        String name = selector == null ? "" : selector.trim();
        String device = "";
        int colon = name.indexOf(':');
        if (colon >= 0) {
            device = name.substring(colon + 1);
            name = name.substring(0, colon);
        }
        BackendOptions options = new BackendOptions(threads, device);
        List<BackendProvider> all = providers();
        if (name.isEmpty() || name.equals("auto")) {
            for (BackendProvider p : all) {
                if (p.unavailableReason() == null) return p.create(options);
            }
            throw new BitNetException("no backend can run on this machine");
        }
        for (BackendProvider p : all) {
            if (p.name().equals(name)) {
                String why = p.unavailableReason();
                if (why != null) throw new BitNetException("backend '" + name + "' cannot run here: " + why);
                return p.create(options);
            }
        }
        throw new BitNetException("unknown backend '" + name + "' (available: "
                + String.join(", ", all.stream().map(BackendProvider::name).toList()) + ")");
    }
}
