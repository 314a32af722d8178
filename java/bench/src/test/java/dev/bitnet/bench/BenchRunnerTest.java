package dev.bitnet.bench;

import dev.bitnet.api.BitNetException;
import dev.bitnet.backend.KvType;
import dev.bitnet.gguf.GgmlType;
import dev.bitnet.model.LmHeadType;
import dev.bitnet.testmodel.TestModelGenerator;
import dev.bitnet.testmodel.TestModelSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The runner on a tiny model: backends that cannot run or fail are skipped while the others run and are compared. */
class BenchRunnerTest {
    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void writeModel() {
        model = dir.resolve("tiny.gguf");
        TestModelGenerator.write(TestModelSpec.tiny(GgmlType.I2_S).withSeed(3), model);
    }

    static BenchConfig config(Path model, String... backends) {
        return new BenchConfig(model, List.of(backends), 1, 4, 6, 0, 1, 1, 128, KvType.F16, LmHeadType.F16, false);
    }

    @Test
    void unavailableUnknownAndFailingBackendsAreSkippedAndTheOthersRun() {
        List<String> started = new ArrayList<>();
        List<BenchOutcome> outcomes = BenchRunner.run(config(model, "reference", UnavailableTestBackendProvider.NAME,
                "no-such-backend", FailingTestBackendProvider.NAME, "reference:1", "reference"), started::add);
        assertEquals(List.of("reference", UnavailableTestBackendProvider.NAME, "no-such-backend",
                FailingTestBackendProvider.NAME, "reference:1", "reference"), started);
        assertEquals(6, outcomes.size());
        BackendResult first = assertInstanceOf(BackendResult.class, outcomes.get(0));
        SkippedBackend unavailable = assertInstanceOf(SkippedBackend.class, outcomes.get(1));
        assertEquals("skipped: " + UnavailableTestBackendProvider.REASON, unavailable.label());
        SkippedBackend unknown = assertInstanceOf(SkippedBackend.class, outcomes.get(2));
        assertTrue(unknown.label().startsWith("skipped: no backend 'no-such-backend' in this build (available: "), unknown.label());
        assertTrue(unknown.reason().contains("reference") && unknown.reason().contains(UnavailableTestBackendProvider.NAME));
        SkippedBackend failing = assertInstanceOf(SkippedBackend.class, outcomes.get(3));
        assertEquals(SkippedBackend.Kind.FAILED, failing.kind());
        assertEquals("failed: IllegalStateException: " + FailingTestBackendProvider.MESSAGE, failing.label());
        assertInstanceOf(IllegalStateException.class, failing.cause());
        SkippedBackend badDevice = assertInstanceOf(SkippedBackend.class, outcomes.get(4));
        assertTrue(badDevice.label().contains("has no device '1'"), badDevice.label());
        BackendResult last = assertInstanceOf(BackendResult.class, outcomes.get(5));

        assertEquals(6, first.greedyIds().length);
        assertTrue(first.prefill().median() > 0 && first.decode().median() > 0 && first.loadSeconds() > 0);
        assertEquals(0, first.deviceMemoryBytes(), "the reference backend computes on the host");
        assertTrue(first.heldBytes() > 0);
        assertTrue(first.firstStepLogits().length > 0, "first-step logits kept for the comparison");
        // fed its own greedy ids, teacher-forced, the first backend's top token at each step is the id it chose there
        assertEquals(6, first.forcedLogits().length);
        for (int step = 0; step < 6; step++) {
            float[] l = first.forcedLogits()[step];
            assertEquals(first.greedyIds()[step], dev.bitnet.backend.ScalarMath.argmax(l, 0, l.length), "step " + step);
        }
        assertArrayEquals(first.firstStepLogits(), first.forcedLogits()[0], "the same first step, alone or in the decode");

        BenchReport report = new BenchReport(MachineInfo.current(), ZonedDateTime.now(), "bitnet bench", model.toString(),
                1, config(model), 1, 1e10, outcomes);
        assertEquals(List.of(first, last), report.results());
        Agreement a = report.agreements().getFirst();
        assertTrue(a.agree(), a.summary());
        assertEquals(6, a.stepsCompared());
        assertEquals(0.0, a.maxRelativeLogitDifference(), "the same deterministic backend twice");
        assertEquals(6, a.forcedSteps());
        assertEquals(6, a.forcedSameTop());
        assertEquals(0.0, a.forcedMeanKl());
        assertTrue(report.allAgree());
    }

    @Test
    void aProfileIsOneMoreDecodeOperationByOperationAndOnlyWhenAskedFor() {
        BackendResult plain = (BackendResult) BenchRunner.run(config(model, "reference")).getFirst();
        assertTrue(plain.decodeProfile().isEmpty() && plain.prefillProfile().isEmpty());
        BenchConfig asked = new BenchConfig(model, List.of("reference"), 1, 4, 6, 0, 1, 1, 128, KvType.F16, LmHeadType.F16, true);
        BackendResult profiled = (BackendResult) BenchRunner.run(asked).getFirst();
        dev.bitnet.backend.StepProfile p = profiled.decodeProfile();
        assertEquals(6, p.steps(), "-n decode steps, the warm-up ones not counted");
        assertArrayEquals(plain.greedyIds(), profiled.greedyIds(), "the timed runs are the same");
        java.util.Map<String, Long> calls = new java.util.HashMap<>();
        for (dev.bitnet.backend.StepProfile.Op op : p.ops()) calls.put(op.name(), op.calls());
        assertEquals(6L, calls.get("lmHead"));
        assertEquals(6L * 2, calls.get("attention"), "tiny has 2 layers");
        assertEquals(6L * 2, calls.get("bitLinear 1024x256"), "gate and up as one product");
        assertTrue(p.millisPerStep() > 0);
        dev.bitnet.backend.StepProfile prefill = profiled.prefillProfile();
        assertEquals(1, prefill.steps(), "the 4-token prompt in one step");
        assertEquals(2L, prefill.ops().stream().filter(o -> o.name().equals("attention")).findFirst().orElseThrow().calls());
    }

    @Test
    void aDepthPutsContextBeforeTheTimedRunsAndMustFitTheModel() {
        BenchConfig deep = new BenchConfig(model, List.of("reference"), 1, 4, 6, 5, 1, 1, 128, KvType.F16, LmHeadType.F16, false);
        assertEquals("pp4 / tg6 @ d5", deep.tests());
        BackendResult fresh = (BackendResult) BenchRunner.run(config(model, "reference")).getFirst();
        BackendResult after = (BackendResult) BenchRunner.run(deep).getFirst();
        assertTrue(after.prefill().median() > 0 && after.decode().median() > 0);
        assertFalse(java.util.Arrays.equals(fresh.firstStepLogits(), after.firstStepLogits()),
                "the first decoded token attends to the five tokens before it");

        BenchConfig tooDeep = new BenchConfig(model, List.of("reference"), 1, 4, 6, 1_000_000, 1, 1, 128, KvType.F16, LmHeadType.F16, false);
        BitNetException e = assertThrows(BitNetException.class, () -> BenchRunner.run(tooDeep));
        assertTrue(e.getMessage().contains("-d 1000000") && e.getMessage().contains("1000006 positions")
                && e.getMessage().contains("tiny.gguf"), e.getMessage());
    }

    /**
     * A batched decode: every sequence's ids, step by step; the first sequence decodes as it does alone (its own
     * blocks of the cache, the same start), the others from their own start tokens; compared across backends by step.
     */
    @Test
    void sequencesDecodeTogetherEachAsItWouldAlone() {
        BenchConfig three = new BenchConfig(model, List.of("reference", "reference"), 1, 4, 6, 5, 3, 1, 128, KvType.F16, LmHeadType.F16, false);
        assertEquals("pp4 / tg6 x 3 sequences @ d5", three.tests());
        List<BenchOutcome> outcomes = BenchRunner.run(three);
        BackendResult batched = (BackendResult) outcomes.getFirst();
        BenchConfig oneAlone = new BenchConfig(model, List.of("reference"), 1, 4, 6, 5, 1, 1, 128, KvType.F16, LmHeadType.F16, false);
        BackendResult alone = (BackendResult) BenchRunner.run(oneAlone).getFirst();
        assertEquals(18, batched.greedyIds().length);
        for (int step = 0; step < 6; step++) assertEquals(alone.greedyIds()[step], batched.greedyIds()[3 * step], "step " + step);
        assertArrayEquals(alone.firstStepLogits(), batched.firstStepLogits(), "the first sequence's first step");
        boolean othersDiffer = false;
        for (int step = 0; step < 6; step++) othersDiffer |= batched.greedyIds()[3 * step + 1] != batched.greedyIds()[3 * step];
        assertTrue(othersDiffer, "the second sequence starts from another token");
        assertEquals(alone.bytesPerToken() / 3, batched.bytesPerToken());

        BenchReport report = new BenchReport(MachineInfo.current(), ZonedDateTime.now(), "bitnet bench", model.toString(),
                1, three, 1, 1e10, outcomes);
        Agreement a = report.agreements().getFirst();
        assertTrue(a.agree(), a.summary());
        assertEquals(6, a.stepsCompared());
        assertEquals("agree (6 greedy ids of each of 3 sequences)", a.summary().substring(0, a.summary().indexOf(';')));
        assertThrows(IllegalArgumentException.class,
                () -> new BenchConfig(model, List.of("reference"), 1, 4, 6, 0, 0, 1, 128, KvType.F16, LmHeadType.F16, false));
    }

    @Test
    void aBrokenModelFileIsTheUsersErrorBeforeAnyBackendRuns() throws IOException {
        Path broken = dir.resolve("broken.gguf");
        Files.write(broken, new byte[]{'G', 'G', 'U', 'F', 3, 0});
        List<String> started = new ArrayList<>();
        assertThrows(BitNetException.class, () -> BenchRunner.run(config(broken, "reference"), started::add));
        assertEquals(List.of(), started);
    }
}
