package dev.bitnet.backend.cpu;

import dev.bitnet.testing.ReferenceAgreementSuite;
import org.junit.jupiter.api.BeforeAll;

/** The cpu-native backend (best kernel set of this CPU) against the reference backend over whole models. */
class CpuNativeReferenceAgreementTest extends ReferenceAgreementSuite {
    @BeforeAll
    static void requireLibrary() {
        NativeAvailability.assume();
    }

    @Override
    protected String backend() {
        return "cpu-native";
    }
}
