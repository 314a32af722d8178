package dev.bitnet.backend.opencl;

import org.junit.jupiter.api.Assumptions;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * OpenCL tests skip when this machine has no OpenCL device, except where {@code BITNET_REQUIRE_OPENCL} is set (CI,
 * which installs PoCL): there a missing runtime fails the build instead of silently skipping the backend's tests.
 */
final class OpenClAvailability {
    private OpenClAvailability() {
    }

    static void assume() {
        String why = new OpenClBackendProvider().unavailableReason();
        if (why == null) return;
        if (System.getenv("BITNET_REQUIRE_OPENCL") != null) fail("BITNET_REQUIRE_OPENCL is set but OpenCL is unavailable: " + why);
        Assumptions.abort("no OpenCL device: " + why);
    }
}
