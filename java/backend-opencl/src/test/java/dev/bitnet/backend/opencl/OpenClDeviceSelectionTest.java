package dev.bitnet.backend.opencl;

import dev.bitnet.api.BitNetException;
import dev.bitnet.backend.Backends;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --backend opencl[:P[:D]]}: the best device by default, a named one on request, one-line errors otherwise. */
class OpenClDeviceSelectionTest {
    @BeforeAll
    static void needsOpenCl() {
        OpenClAvailability.assume();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0", "0:0"})
    void selectorsThatNameAnExistingDeviceOpenIt(String selector) {
        List<ClDevice> all = ClDevices.list();
        ClDevice chosen = ClDevices.select(selector);
        assertTrue(all.stream().anyMatch(d -> d.selector().equals(chosen.selector())));
        if (selector.isEmpty()) assertEquals(all.stream().min(ClDevices.BEST_FIRST).orElseThrow().selector(), chosen.selector());
        try (var backend = Backends.create(selector.isEmpty() ? "opencl" : "opencl:" + selector, 1)) {
            assertTrue(backend.description().startsWith("opencl:" + chosen.selector()), backend.description());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"9:9", "0:99", "x", "0:0:0", "-1"})
    void unknownDevicesAreOneLineErrorsListingTheDevices(String selector) {
        BitNetException e = assertThrows(BitNetException.class, () -> Backends.create("opencl:" + selector, 1));
        assertTrue(e.getMessage().startsWith("no OpenCL device '" + selector + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("0:0"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @org.junit.jupiter.api.Test
    void devicesAreListedWithNameMemoryAndComputeUnits() {
        List<String> lines = new OpenClBackendProvider().devices();
        assertFalse(lines.isEmpty());
        for (String line : lines) assertTrue(line.matches("opencl:\\d+:\\d+ .* GiB, \\d+ compute units, driver .*"), line);
    }
}
