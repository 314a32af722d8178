package dev.bitnet.backend;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * How many physical cores this process may run on: the default number of CPU worker threads, one per core, as
 * llama.cpp's default. A second hardware thread (SMT) on a core shares that core's vector units, which the ternary
 * products keep busy, and adds nothing to the memory bandwidth a decode step is bound by, while the pool's workers
 * spin between tasks and would take cycles from their sibling.
 *
 * <p>On Linux the cores are the distinct {@code topology/thread_siblings_list} values of the online CPUs the process
 * is allowed on ({@code Cpus_allowed_list} of /proc/self/status), at most {@link Runtime#availableProcessors()} (which
 * also counts a cgroup's CPU quota). Where that cannot be read (other systems, a sysfs without topology) it is
 * {@code availableProcessors()}, as before. Hybrid CPUs' efficiency cores count as cores here (llama.cpp leaves them
 * out on x86).
 */
public final class PhysicalCores {
    private static final Path SYS_CPU = Path.of("/sys/devices/system/cpu");
    private static final Path PROC_STATUS = Path.of("/proc/self/status");
    private static volatile int cached;

    private PhysicalCores() {
    }

    /** The physical cores available to this process (at least 1); read once. */
    public static int available() {
        int n = cached;
        if (n == 0) {
            n = count(SYS_CPU, allowedCpus(PROC_STATUS), Runtime.getRuntime().availableProcessors());
            cached = n;
        }
        return n;
    }

    /** "N cores", or "N cores, M hardware threads" where the process has more of those. */
    public static String describe() {
        int cores = available(), processors = Runtime.getRuntime().availableProcessors();
        return cores + (cores == 1 ? " core" : " cores") + (processors > cores ? ", " + processors + " hardware threads" : "");
    }

    /**
     * The cores of the online CPUs in {@code allowed} (null: every online CPU) by their thread siblings, at most
     * {@code processors}; {@code processors} where an online CPU's siblings cannot be read. An affinity mask may name
     * CPUs that are not there (Cpus_allowed_list can read 0-127 on a 16-CPU machine), so only online ones count.
     */
    static int count(Path sysCpu, Set<Integer> allowed, int processors) {
        Set<Integer> cpus = onlineCpus(sysCpu);
        if (cpus == null) cpus = allowed;
        else if (allowed != null) cpus.retainAll(allowed);
        if (cpus == null || cpus.isEmpty()) return Math.max(1, processors);
        Set<String> cores = new HashSet<>();
        for (int cpu : cpus) {
            Path siblings = sysCpu.resolve("cpu" + cpu).resolve("topology").resolve("thread_siblings_list");
            try {
                cores.add(Files.readString(siblings).strip());
            } catch (IOException | RuntimeException e) {
                return Math.max(1, processors);
            }
        }
        return Math.max(1, Math.min(cores.size(), processors));
    }

    /** The CPUs of the {@code Cpus_allowed_list} line of a /proc status file, or null where there is none. */
    static Set<Integer> allowedCpus(Path procStatus) {
        try {
            for (String line : Files.readAllLines(procStatus)) {
                if (line.startsWith("Cpus_allowed_list:")) return parseList(line.substring(line.indexOf(':') + 1));
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }

    /** A kernel CPU list ("0-3,8,10-11") as a set, or null if it is not one. */
    static Set<Integer> parseList(String list) {
        Set<Integer> cpus = new TreeSet<>();
        try {
            for (String part : list.strip().split(",")) {
                if (part.isEmpty()) continue;
                int dash = part.indexOf('-');
                int from = Integer.parseInt(dash < 0 ? part : part.substring(0, dash));
                int to = dash < 0 ? from : Integer.parseInt(part.substring(dash + 1));
                if (from < 0 || to < from || to - from > 1 << 16) return null;
                for (int c = from; c <= to; c++) cpus.add(c);
            }
        } catch (NumberFormatException e) {
            return null;
        }
        return cpus;
    }

    /** The CPUs of a sysfs cpu folder's {@code online} list, else its {@code cpuN} folders; null if neither reads. */
    private static Set<Integer> onlineCpus(Path sysCpu) {
        try {
            Set<Integer> online = parseList(Files.readString(sysCpu.resolve("online")));
            if (online != null) return online;
        } catch (IOException | RuntimeException e) {
            // no online list: the folders
        }
        try (var entries = Files.list(sysCpu)) {
            List<String> names = entries.map(p -> p.getFileName().toString()).toList();
            Set<Integer> cpus = new TreeSet<>();
            for (String name : names) {
                if (name.matches("cpu\\d+")) cpus.add(Integer.parseInt(name.substring(3)));
            }
            return cpus;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
