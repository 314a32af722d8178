package dev.bitnet.backend;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PhysicalCoresTest {
    @TempDir
    Path sys;

    /** A sysfs cpu folder of {@code cores} cores with {@code smt} hardware threads each, numbered as Linux does on x86
     * (cpu c and cpu c + cores are siblings). */
    private void machine(int cores, int smt) throws IOException {
        for (int t = 0; t < smt; t++) {
            for (int c = 0; c < cores; c++) {
                Path topology = Files.createDirectories(sys.resolve("cpu" + (t * cores + c)).resolve("topology"));
                StringBuilder siblings = new StringBuilder();
                for (int s = 0; s < smt; s++) siblings.append(s == 0 ? "" : ",").append(s * cores + c);
                Files.writeString(topology.resolve("thread_siblings_list"), siblings + "\n");
            }
        }
        Files.createDirectories(sys.resolve("cpufreq")); // not a cpuN folder
        Files.writeString(sys.resolve("online"), "0-" + (cores * smt - 1) + "\n");
    }

    @Test
    void countsCoresNotHardwareThreads() throws IOException {
        machine(4, 2);
        assertEquals(4, PhysicalCores.count(sys, null, 8));
        assertEquals(4, PhysicalCores.count(sys, Set.of(0, 1, 2, 3, 4, 5, 6, 7), 8));
    }

    @Test
    void onlyTheCoresOfTheAllowedCpus() throws IOException {
        machine(4, 2);
        assertEquals(2, PhysicalCores.count(sys, Set.of(0, 1), 2));
        assertEquals(1, PhysicalCores.count(sys, Set.of(0, 4), 2), "two threads of one core");
        assertEquals(3, PhysicalCores.count(sys, Set.of(0, 4, 1, 6), 4));
    }

    @Test
    void neverMoreThanTheProcessorsTheJvmMayUse() throws IOException {
        machine(8, 2);
        assertEquals(3, PhysicalCores.count(sys, null, 3), "a cgroup quota of 3 CPUs");
    }

    @Test
    void withoutSmtEveryCpuIsACore() throws IOException {
        machine(2, 1);
        assertEquals(2, PhysicalCores.count(sys, Set.of(0, 1), 2));
    }

    @Test
    void allowedCpusThatAreNotOnlineDoNotCount() throws IOException {
        machine(4, 2);
        assertEquals(4, PhysicalCores.count(sys, PhysicalCores.parseList("0-127"), 8), "a mask wider than the machine");
        Files.writeString(sys.resolve("online"), "0-3\n"); // cpu4..7, the second threads, offline
        assertEquals(4, PhysicalCores.count(sys, null, 8));
        Files.delete(sys.resolve("online")); // then the cpuN folders say which exist
        assertEquals(2, PhysicalCores.count(sys, Set.of(0, 1, 99), 8));
    }

    @Test
    void unreadableTopologyFallsBackToTheProcessors() throws IOException {
        machine(4, 2);
        Files.delete(sys.resolve("cpu1").resolve("topology").resolve("thread_siblings_list"));
        assertEquals(8, PhysicalCores.count(sys, Set.of(0, 1), 8), "cpu1's siblings cannot be read");
        assertEquals(6, PhysicalCores.count(sys.resolve("missing"), null, 6));
    }

    @Test
    void parsesKernelCpuLists() {
        assertEquals(Set.of(0, 1, 2, 3, 8, 10, 11), PhysicalCores.parseList(" 0-3,8,10-11\n"));
        assertEquals(Set.of(5), PhysicalCores.parseList("5"));
        assertNull(PhysicalCores.parseList("0-x"));
        assertNull(PhysicalCores.parseList("3-1"));
    }

    @Test
    void readsCpusAllowedListFromProcStatus() throws IOException {
        Path status = Files.writeString(sys.resolve("status"), "Name:\tjava\nCpus_allowed:\tff\nCpus_allowed_list:\t0-2,6\n");
        assertEquals(Set.of(0, 1, 2, 6), PhysicalCores.allowedCpus(status));
        assertNull(PhysicalCores.allowedCpus(Files.writeString(sys.resolve("other"), "Name:\tjava\n")));
        assertNull(PhysicalCores.allowedCpus(sys.resolve("absent")));
    }

    @Test
    void thisMachine() {
        int cores = PhysicalCores.available();
        assertTrue(cores >= 1 && cores <= Runtime.getRuntime().availableProcessors(), "cores " + cores);
        assertTrue(PhysicalCores.describe().startsWith(cores + " core"), PhysicalCores.describe());
    }
}
