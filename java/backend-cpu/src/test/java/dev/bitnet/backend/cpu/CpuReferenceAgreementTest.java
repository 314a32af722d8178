package dev.bitnet.backend.cpu;

import dev.bitnet.testing.ReferenceAgreementSuite;

/** The CPU backend against the reference backend over whole models (see {@link ReferenceAgreementSuite}). */
class CpuReferenceAgreementTest extends ReferenceAgreementSuite {
    @Override
    protected String backend() {
        return "cpu";
    }
}
