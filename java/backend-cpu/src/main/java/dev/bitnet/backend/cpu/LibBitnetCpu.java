package dev.bitnet.backend.cpu;

import dev.bitnet.api.BitNetException;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The binding of libbitnet_cpu ({@code kernels/cpu/bitnet_cpu.c}, built by {@code cmake/}) through the JDK's FFM
 * API: no JNI glue to generate or compile, and with {@link Linker.Option#critical} the kernels read the Java arrays
 * of activations and of the KV cache in place. The library travels in this module's jar ({@code native/<os>-<arch>/}) and is copied to
 * a temporary file to be loaded; {@code BITNET_CPU_NATIVE_LIB} names another copy.
 *
 * <p>Every kernel takes the kernel set to use ({@link Isa}); the packed weight layout depends on it.
 */
final class LibBitnetCpu {
    /** The library's kernel sets, best first, each with its number in the C API. */
    enum Isa {
        AVX512_VNNI("avx512-vnni", 0), AVX2("avx2", 1), NEON_DOTPROD("neon-dotprod", 3), PLAIN_C("c", 2);

        final String label;
        /** The set's number in the C API ({@code isa} of every call). */
        final int number;

        Isa(String label, int number) {
            this.label = label;
            this.number = number;
        }

        static Isa byLabel(String label) {
            for (Isa isa : values()) if (isa.label.equals(label)) return isa;
            throw new BitNetException("libbitnet_cpu has no kernel set '" + label + "' (it has "
                    + String.join(", ", java.util.Arrays.stream(values()).map(i -> i.label).toList()) + ")");
        }
    }

    private static final String LIBRARY = "libbitnet_cpu.so";
    private static final Loaded LOADED = load();
    // static finals, so the JIT treats the handles as constants and inlines the downcalls
    private static final MethodHandle SUPPORTS = LOADED.supports, BLOCK_COLS = LOADED.blockCols,
            PACKED_BYTES = LOADED.packedBytes, PACK = LOADED.pack,
            TERNARY_ROWS = LOADED.ternaryRows, F16_ROWS = LOADED.f16Rows, I8_ROWS = LOADED.i8Rows,
            ATTN_SUPPORTS = LOADED.attnSupports, ATTN_SCORES = LOADED.attnScores, ATTN_SUMS = LOADED.attnSums;

    private record Loaded(MethodHandle supports, MethodHandle isaName, MethodHandle blockCols, MethodHandle packedBytes,
                          MethodHandle pack, MethodHandle ternaryRows, MethodHandle f16Rows, MethodHandle i8Rows,
                          MethodHandle attnSupports, MethodHandle attnScores, MethodHandle attnSums, String failure) {
    }

    private LibBitnetCpu() {
    }

    /** Why the library cannot be used here, or null. */
    static String unavailableReason() {
        return LOADED.failure;
    }

    /** The kernel sets this CPU runs, best first. */
    static List<Isa> supported() {
        List<Isa> out = new ArrayList<>();
        if (LOADED.failure != null) return out;
        try {
            for (Isa isa : Isa.values()) if ((int) SUPPORTS.invokeExact(isa.number) != 0) out.add(isa);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        return out;
    }

    /** The library's own name of kernel set {@code isa} (its label, unless the two sides disagree on the numbers). */
    static String isaName(Isa isa) {
        try {
            MemorySegment name = (MemorySegment) LOADED.isaName.invokeExact(isa.number);
            return name.reinterpret(64).getString(0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int blockCols(Isa isa) {
        try {
            return (int) BLOCK_COLS.invokeExact(isa.number);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Bytes {@link #pack} writes for rows x paddedCols (the row count rounded up to the set's row group). */
    static long packedBytes(Isa isa, int rows, int paddedCols) {
        try {
            return (long) PACKED_BYTES.invokeExact(isa.number, rows, paddedCols);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Packs rows [from, to) of {@code trits} ({@code cols} wide) into {@code out}, zeroed, of {@link #packedBytes}. */
    static void pack(Isa isa, MemorySegment trits, int cols, int paddedCols, int from, int to, MemorySegment out) {
        try {
            PACK.invokeExact(isa.number, trits, cols, paddedCols, from, to, out);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void ternaryRows(Isa isa, MemorySegment w, int paddedCols, int from, int to, MemorySegment q, int tokens,
                            MemorySegment qSum, MemorySegment qScale, float wScale, MemorySegment out, int outStride) {
        try {
            TERNARY_ROWS.invokeExact(isa.number, w, paddedCols, from, to, q, tokens, qSum, qScale, wScale, out, outStride);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void f16Rows(Isa isa, MemorySegment e, int cols, int from, int to, MemorySegment x, int n, MemorySegment out,
                        int outStride) {
        try {
            F16_ROWS.invokeExact(isa.number, e, cols, from, to, x, n, out, outStride);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void i8Rows(Isa isa, MemorySegment m, MemorySegment scales, int cols, int from, int to, MemorySegment x, int n,
                       MemorySegment out, int outStride) {
        try {
            I8_ROWS.invokeExact(isa.number, m, scales, cols, from, to, x, n, out, outStride);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Whether {@link #attnScores} and {@link #attnSums} run vector code for this block size and head dimension. */
    static boolean attnSupports(Isa isa, int blockSize, int headDim) {
        try {
            return (int) ATTN_SUPPORTS.invokeExact(isa.number, blockSize, headDim) != 0;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code scores[j * stride + r] = scale * Σ_d key[r][d] * q[4d + j]} for rows [0, rows) of a run of blocks of
     * {@code blockSize} positions from {@code keys} (f16, transposed per block as {@link CpuKvCache} stores them).
     */
    static void attnScores(Isa isa, MemorySegment keys, int blockSize, int rows, MemorySegment q, int headDim, float scale,
                           MemorySegment scores, int stride) {
        try {
            ATTN_SCORES.invokeExact(isa.number, keys, blockSize, rows, q, headDim, scale, scores, stride);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code sums[j * headDim + d] += Σ_r w[4r + j] * value[r][d]} over rows [0, rows) of a run of blocks (f16 rows). */
    static void attnSums(Isa isa, MemorySegment values, int blockSize, int rows, MemorySegment w, int headDim,
                         MemorySegment sums) {
        try {
            ATTN_SUMS.invokeExact(isa.number, values, blockSize, rows, w, headDim, sums);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }

    /**
     * "linux-x86_64", "linux-aarch64", "mac_os_x-aarch64", ...: the folder of the jar that holds this platform's
     * library (cmake/build-native.sh names it the same way).
     */
    static String platform() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("linux") ? "linux"
                : System.getProperty("os.name").toLowerCase(Locale.ROOT).replace(' ', '_');
        String arch = System.getProperty("os.arch");
        return os + "-" + (arch.equals("amd64") ? "x86_64" : arch);
    }

    private static Loaded load() {
        try {
            Path path = locate();
            if (path == null) {
                return failed("libbitnet_cpu was not built for " + platform() + " (the build needs cmake and a C compiler; "
                        + "see cmake/README.md)");
            }
            Linker linker = Linker.nativeLinker();
            SymbolLookup lib = SymbolLookup.libraryLookup(path, Arena.global());
            Linker.Option critical = Linker.Option.critical(true); // short calls; lets them read heap arrays in place
            MethodHandle supports = linker.downcallHandle(find(lib, "bitnet_cpu_supports"), FunctionDescriptor.of(JAVA_INT, JAVA_INT));
            MethodHandle isaName = linker.downcallHandle(find(lib, "bitnet_cpu_isa_name"), FunctionDescriptor.of(ADDRESS, JAVA_INT));
            MethodHandle blockCols = linker.downcallHandle(find(lib, "bitnet_cpu_block_cols"), FunctionDescriptor.of(JAVA_INT, JAVA_INT));
            MethodHandle packedBytes = linker.downcallHandle(find(lib, "bitnet_cpu_packed_bytes"),
                    FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT));
            MethodHandle pack = linker.downcallHandle(find(lib, "bitnet_cpu_pack"),
                    FunctionDescriptor.ofVoid(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS), critical);
            MethodHandle ternary = linker.downcallHandle(find(lib, "bitnet_cpu_ternary_rows"),
                    FunctionDescriptor.ofVoid(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS,
                            ADDRESS, JAVA_FLOAT, ADDRESS, JAVA_INT), critical);
            MethodHandle f16 = linker.downcallHandle(find(lib, "bitnet_cpu_f16_rows"),
                    FunctionDescriptor.ofVoid(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS,
                            JAVA_INT), critical);
            MethodHandle i8 = linker.downcallHandle(find(lib, "bitnet_cpu_i8_rows"),
                    FunctionDescriptor.ofVoid(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT,
                            ADDRESS, JAVA_INT), critical);
            MethodHandle attnSupports = linker.downcallHandle(find(lib, "bitnet_cpu_attn_supports"),
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
            MethodHandle attnScores = linker.downcallHandle(find(lib, "bitnet_cpu_attn_scores"),
                    FunctionDescriptor.ofVoid(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_FLOAT, ADDRESS,
                            JAVA_INT), critical);
            MethodHandle attnSums = linker.downcallHandle(find(lib, "bitnet_cpu_attn_sums"),
                    FunctionDescriptor.ofVoid(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS), critical);
            return new Loaded(supports, isaName, blockCols, packedBytes, pack, ternary, f16, i8, attnSupports, attnScores,
                    attnSums, null);
        } catch (IOException | RuntimeException | LinkageError e) {
            return failed("libbitnet_cpu could not be loaded: " + e.getMessage());
        }
    }

    private static Loaded failed(String why) {
        return new Loaded(null, null, null, null, null, null, null, null, null, null, null, why);
    }

    private static MemorySegment find(SymbolLookup lib, String name) {
        return lib.find(name).orElseThrow(() -> new IllegalStateException("libbitnet_cpu has no symbol " + name));
    }

    /** The library file: BITNET_CPU_NATIVE_LIB, or the jar's copy extracted to a temporary file; null if neither. */
    private static Path locate() throws IOException {
        String override = System.getenv("BITNET_CPU_NATIVE_LIB");
        if (override != null && !override.isEmpty()) {
            Path p = Path.of(override);
            if (!Files.isRegularFile(p)) throw new IOException("BITNET_CPU_NATIVE_LIB=" + override + " is not a file");
            return p;
        }
        try (InputStream in = LibBitnetCpu.class.getResourceAsStream("native/" + platform() + "/" + LIBRARY)) {
            if (in == null) return null;
            Path tmp = Files.createTempFile("libbitnet_cpu", ".so");
            tmp.toFile().deleteOnExit();
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            return tmp;
        }
    }
}
