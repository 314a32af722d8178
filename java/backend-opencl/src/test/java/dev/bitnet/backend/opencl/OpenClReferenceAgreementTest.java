package dev.bitnet.backend.opencl;

import dev.bitnet.testing.ReferenceAgreementSuite;
import org.junit.jupiter.api.BeforeAll;

/** The OpenCL backend against the reference backend over whole models (see {@link ReferenceAgreementSuite}). */
class OpenClReferenceAgreementTest extends ReferenceAgreementSuite {
    @BeforeAll
    static void needsOpenCl() {
        OpenClAvailability.assume();
    }

    @Override
    protected String backend() {
        return "opencl";
    }
}
