package dev.bitnet.backend.cpu;

import org.junit.jupiter.api.Assumptions;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * cpu-native tests skip where libbitnet_cpu was not built (no cmake or C compiler), except where
 * {@code BITNET_REQUIRE_NATIVE} is set (CI, which has both): there a missing library fails the build.
 */
final class NativeAvailability {
    private NativeAvailability() {
    }

    static void assume() {
        String why = new CpuNativeBackendProvider().unavailableReason();
        if (why == null) return;
        if (System.getenv("BITNET_REQUIRE_NATIVE") != null) fail("BITNET_REQUIRE_NATIVE is set but cpu-native is unavailable: " + why);
        Assumptions.abort("cpu-native unavailable: " + why);
    }
}
