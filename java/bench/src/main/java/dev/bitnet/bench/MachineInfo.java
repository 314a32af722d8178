package dev.bitnet.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The machine a benchmark ran on, as a report states it.
 *
 * @param cpuModel    the CPU's model name (Linux: /proc/cpuinfo), else the architecture
 * @param cores       physical cores available to the process ({@link dev.bitnet.backend.PhysicalCores})
 * @param hardwareThreads processors available to the JVM (more than {@code cores} with SMT)
 * @param memoryBytes total memory (Linux: /proc/meminfo), 0 if unknown
 * @param jdk         the Java runtime's vendor, name and version
 * @param os          operating system name, version and architecture
 */
public record MachineInfo(String cpuModel, int cores, int hardwareThreads, long memoryBytes, String jdk, String os) {

    public static MachineInfo current() {
        String arch = System.getProperty("os.arch");
        String cpu = procField(Path.of("/proc/cpuinfo"), "model name");
        long memKb = 0;
        String mem = procField(Path.of("/proc/meminfo"), "MemTotal");
        if (mem != null) {
            try {
                memKb = Long.parseLong(mem.split("\\s+")[0]);
            } catch (NumberFormatException e) {
                memKb = 0;
            }
        }
        return new MachineInfo(cpu != null ? cpu : arch, dev.bitnet.backend.PhysicalCores.available(),
                Runtime.getRuntime().availableProcessors(), memKb * 1024,
                System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.name") + " " + Runtime.version(),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + arch);
    }

    /** The value of the first {@code key: value} line of a /proc file, or null. */
    static String procField(Path file, String key) {
        try {
            List<String> lines = Files.readAllLines(file);
            for (String line : lines) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).strip().equals(key)) return line.substring(colon + 1).strip();
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }
}
