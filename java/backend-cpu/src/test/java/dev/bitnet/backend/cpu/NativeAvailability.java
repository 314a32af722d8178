package dev.bitnet.backend.cpu;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * cpu-native tests skip where libbitnet_cpu was not built (no cmake or C compiler), except where
 * {@code BITNET_REQUIRE_NATIVE} is set (CI, which has both): there a missing library fails the build.
 *
 * <p>In the surefire execution "avx512-emulated" ({@code BITNET_AVX512_EMULATED} set, {@code BITNET_CPU_NATIVE_LIB}
 * naming the test build whose AVX-512 set runs through SIMDe, see cmake/) the same tests run the AVX-512 kernels on
 * any AVX2 CPU. They skip where that build was not made (no SIMDe headers), except where
 * {@code BITNET_REQUIRE_AVX512_EMULATION} is set (ci/test.sh, once it has installed SIMDe); and they fail if the
 * library does not offer the AVX-512 set, so the execution cannot pass without running it.
 */
final class NativeAvailability {
    private NativeAvailability() {
    }

    static void assume() {
        if (System.getenv("BITNET_AVX512_EMULATED") != null) assumeEmulatedBuild();
        String why = new CpuNativeBackendProvider().unavailableReason();
        if (why != null) {
            if (System.getenv("BITNET_REQUIRE_NATIVE") != null) fail("BITNET_REQUIRE_NATIVE is set but cpu-native is unavailable: " + why);
            Assumptions.abort("cpu-native unavailable: " + why);
        }
        if (System.getenv("BITNET_AVX512_EMULATED") != null)
            assertTrue(LibBitnetCpu.supported().contains(LibBitnetCpu.Isa.AVX512_VNNI),
                    "the emulated build offers no AVX-512 set: " + LibBitnetCpu.supported());
    }

    private static void assumeEmulatedBuild() {
        String lib = System.getenv("BITNET_CPU_NATIVE_LIB");
        if (lib != null && Files.isRegularFile(Path.of(lib))) return;
        String why = "the emulated AVX-512 build " + lib + " was not made (SIMDe's headers, libsimde-dev, not found)";
        if (System.getenv("BITNET_REQUIRE_AVX512_EMULATION") != null) fail("BITNET_REQUIRE_AVX512_EMULATION is set but " + why);
        Assumptions.abort(why);
    }
}
