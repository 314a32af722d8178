package dev.bitnet.bench;

import dev.bitnet.backend.KvType;
import dev.bitnet.backend.StepProfile;
import dev.bitnet.model.LmHeadType;

import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;

/** Hand-made reports with known figures, for the table and page tests. */
final class SampleReports {
    static final String HOSTILE = "<script>alert(\"x&y\")</script>'\u0001]]>";

    private SampleReports() {
    }

    static BackendResult result(String name, double prefill, double decode, long rss, long device, int[] ids, float[] logits) {
        return new BackendResult(name, name + " (test device)", 1.5, new Stats(prefill, prefill * 0.9, prefill * 1.1),
                new Stats(decode, decode * 0.95, decode * 1.05), rss, 100L << 20, device, 33_000_000L, ids, logits,
                StepProfile.NONE, StepProfile.NONE);
    }

    /** cpu with a decode profile of 4 steps: lmHead 1.5 ms a step (75%, 1000 GB/s), rmsNorm 0.5 ms (25%). */
    static BackendResult profiled() {
        BackendResult r = result("cpu", 40, 20, 300L << 20, 0, new int[]{1}, new float[]{1});
        StepProfile p = new StepProfile(4, List.of(new StepProfile.Op("rmsNorm", 8, 2_000_000, 0),
                new StepProfile.Op("lmHead", 4, 6_000_000, 6_000_000_000L)));
        return new BackendResult(r.backend(), r.description(), r.loadSeconds(), r.prefill(), r.decode(), r.peakRssBytes(),
                r.heldBytes(), r.deviceMemoryBytes(), r.bytesPerToken(), r.greedyIds(), r.firstStepLogits(), StepProfile.NONE, p);
    }

    /** cpu (host), a GPU-like backend with device memory that differs at step 3, a hostile-named one, one skipped. */
    static BenchReport mixed() {
        BackendResult cpu = result("cpu", 40, 20, 300L << 20, 0, new int[]{5, 6, 7, 8}, new float[]{1, 2, 3});
        BackendResult gpu = result("gpu", 400, 60, 500L << 20, 900L << 20, new int[]{5, 6, 9, 8}, new float[]{1, 2.5f, 3});
        BackendResult hostile = result(HOSTILE, 100, 10, 200L << 20, 0, new int[]{5, 6, 7, 8}, new float[]{1, 2, 3});
        SkippedBackend skipped = SkippedBackend.unavailable("opencl", "no OpenCL platform <found> & \"none\"");
        return report(List.of(cpu, gpu, skipped, hostile));
    }

    static BenchReport report(List<BenchOutcome> outcomes) {
        BenchConfig cfg = new BenchConfig(Path.of("/models/tiny <1>.gguf"), outcomes.stream().map(BenchOutcome::backend).toList(),
                2, 8, 4, 0, 1, 3, 128, KvType.F16, LmHeadType.F16, false);
        MachineInfo machine = new MachineInfo("Test CPU & <Co>", 2, 4, 8L << 30, "JDK \"25\"", "Linux");
        return new BenchReport(machine, ZonedDateTime.of(2026, 11, 24, 12, 0, 0, 0, ZoneOffset.UTC),
                "bitnet bench -m '/models/tiny <1>.gguf' --backends '" + HOSTILE + "'", cfg.model().toString(), 25L << 20, cfg,
                2, 20e9, outcomes);
    }
}
