package dev.bitnet.cli;

import dev.bitnet.backend.StepProfile;
import dev.bitnet.bench.Agreement;
import dev.bitnet.bench.BackendResult;
import dev.bitnet.bench.BenchOutcome;
import dev.bitnet.bench.BenchReport;
import dev.bitnet.bench.SkippedBackend;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bench --json}: one object (a sweep's: one per run, in {@code runs}). The keys of earlier versions stay ({@code sequences}: those of a batched decode,
 * 1 otherwise; {@code decode_tokens_per_s} counts all of them); each backend also has
 * {@code device_memory_bytes}, {@code agreement} (null for the first, which the others are compared with) and
 * {@code prefill_profile} and {@code decode_profile} (null without {@code --profile}: steps, ms_per_step, and per
 * op its calls_per_step, ms_per_step, share and weight_gb_per_s), and a backend that did not run is
 * {@code {"backend", "skipped": reason, "status"}}.
 */
final class BenchJson {
    private BenchJson() {
    }

    /**
     * A sweep (several runs of one command, from value lists such as {@code -p 128,512}): {@code {"runs": [...]}}, each
     * run the object that a single run prints.
     */
    static Map<String, Object> of(List<BenchReport> runs) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("runs", runs.stream().map(BenchJson::of).toList());
        return o;
    }

    static Map<String, Object> of(BenchReport r) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("model", r.config().model().toString());
        o.put("model_bytes", r.modelBytes());
        o.put("threads", r.threads());
        o.put("prompt_tokens", r.config().promptTokens());
        o.put("gen_tokens", r.config().genTokens());
        o.put("depth", r.config().depth());
        o.put("sequences", r.config().sequences());
        o.put("repetitions", r.config().repetitions());
        o.put("lm_head", r.config().lmHead().name().toLowerCase(java.util.Locale.ROOT));
        o.put("kv_type", r.config().kvType().name().toLowerCase(java.util.Locale.ROOT));
        o.put("machine_bandwidth_gb_per_s", r.bandwidthPerSecond() / 1e9);
        o.put("greedy_outputs_agree", r.allAgree());
        o.put("date", r.date().toOffsetDateTime().toString());
        o.put("command", r.commandLine());
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cpu", r.machine().cpuModel());
        machine.put("cores", r.machine().cores());
        machine.put("hardware_threads", r.machine().hardwareThreads());
        machine.put("memory_bytes", r.machine().memoryBytes());
        machine.put("jdk", r.machine().jdk());
        machine.put("os", r.machine().os());
        o.put("machine", machine);
        List<BackendResult> ran = r.results();
        List<Agreement> agreements = r.agreements();   // agreements.get(i - 1) compares ran.get(i) with ran.get(0)
        List<Map<String, Object>> list = new ArrayList<>();
        for (BenchOutcome outcome : r.outcomes()) {
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("backend", outcome.backend());
            switch (outcome) {
                case SkippedBackend s -> {
                    b.put("status", s.kind() == SkippedBackend.Kind.UNAVAILABLE ? "skipped" : "failed");
                    b.put("skipped", s.reason());
                }
                case BackendResult res -> {
                    b.put("status", "ok");
                    b.put("description", res.description());
                    b.put("load_seconds", res.loadSeconds());
                    b.put("prefill_tokens_per_s", res.prefill().median());
                    b.put("prefill_tokens_per_s_min_max", List.of(res.prefill().min(), res.prefill().max()));
                    b.put("decode_tokens_per_s", res.decode().median());
                    b.put("decode_tokens_per_s_min_max", List.of(res.decode().min(), res.decode().max()));
                    b.put("peak_rss_bytes", res.peakRssBytes());
                    b.put("device_memory_bytes", res.deviceMemoryBytes());
                    b.put("backend_bytes", res.heldBytes());
                    b.put("bytes_per_token", res.bytesPerToken());
                    b.put("bandwidth_gb_per_s", res.achievedBytesPerSecond() / 1e9);
                    b.put("bandwidth_share", r.bandwidthPerSecond() > 0 ? r.bandwidthShare(res) : null);
                    int index = indexOf(ran, res);
                    b.put("agreement", index > 0 ? agreement(agreements.get(index - 1)) : null);
                    b.put("prefill_profile", res.prefillProfile().isEmpty() ? null : profile(res.prefillProfile()));
                    b.put("decode_profile", res.decodeProfile().isEmpty() ? null : profile(res.decodeProfile()));
                }
            }
            list.add(b);
        }
        o.put("backends", list);
        return o;
    }

    private static int indexOf(List<BackendResult> list, BackendResult r) {
        for (int i = 0; i < list.size(); i++) if (list.get(i) == r) return i;
        return -1;
    }

    private static Map<String, Object> profile(StepProfile p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("steps", p.steps());
        m.put("ms_per_step", p.millisPerStep());
        List<Map<String, Object>> ops = new ArrayList<>();
        for (StepProfile.Op op : p.ops()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("op", op.name());
            o.put("calls_per_step", (double) op.calls() / p.steps());
            o.put("ms_per_step", op.millisPerStep(p.steps()));
            o.put("share", p.share(op));
            o.put("weight_gb_per_s", Double.isNaN(op.weightBytesPerSecond()) ? null : op.weightBytesPerSecond() / 1e9);
            ops.add(o);
        }
        m.put("ops", ops);
        return m;
    }

    private static Map<String, Object> agreement(Agreement a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("compared_with", a.reference());
        m.put("greedy_ids_agree", a.agree());
        m.put("steps_compared", a.stepsCompared());
        m.put("first_differing_step", a.agree() ? null : a.firstDifferingStep());
        m.put("max_relative_logit_difference", Double.isNaN(a.maxRelativeLogitDifference()) ? null : a.maxRelativeLogitDifference());
        m.put("teacher_forced_steps", a.forcedSteps());
        m.put("teacher_forced_same_top_token", a.forcedSameTop());
        m.put("teacher_forced_mean_kl_divergence", Double.isNaN(a.forcedMeanKl()) ? null : a.forcedMeanKl());
        return m;
    }
}
