package dev.bitnet.server;

import dev.bitnet.api.StopReason;
import dev.bitnet.scheduler.SchedulerStats;

import java.util.Locale;

/** {@code GET /metrics}: the scheduler's state and counters in Prometheus' text exposition format (version 0.0.4). */
final class Metrics {
    private Metrics() {
    }

    static String render(SchedulerStats s) {
        StringBuilder out = new StringBuilder();
        gauge(out, "bitnet_requests_running", "Requests generating (holding KV blocks).", s.running());
        gauge(out, "bitnet_requests_waiting", "Requests queued for a place.", s.waiting());
        counter(out, "bitnet_prompt_tokens_total", "Prompt tokens of the requests admitted.", s.promptTokens());
        counter(out, "bitnet_prompt_tokens_cached_total", "Prompt tokens whose KV came from the prefix cache.", s.cachedPromptTokens());
        counter(out, "bitnet_generation_tokens_total", "Tokens generated.", s.generatedTokens());
        counter(out, "bitnet_steps_total", "Forward steps run.", s.steps());
        counter(out, "bitnet_step_tokens_total", "Tokens fed by the forward steps (divided by steps: the mean batch).", s.stepTokens());
        out.append("# HELP bitnet_requests_finished_total Requests ended, by reason.\n# TYPE bitnet_requests_finished_total counter\n");
        for (StopReason r : StopReason.values()) {
            out.append("bitnet_requests_finished_total{reason=\"").append(r.name().toLowerCase(Locale.ROOT)).append("\"} ")
                    .append(s.finished().getOrDefault(r, 0L)).append('\n');
        }
        counter(out, "bitnet_requests_failed_total", "Requests ended by a failed forward step.", s.failed());
        gauge(out, "bitnet_kv_blocks_total", "KV cache blocks (16 positions each).", s.kvBlocksTotal());
        gauge(out, "bitnet_kv_blocks_free", "KV cache blocks an allocation can take.", s.kvBlocksFree());
        gauge(out, "bitnet_kv_blocks_cached", "KV cache blocks kept for the prefix cache.", s.kvBlocksCached());
        return out.toString();
    }

    private static void gauge(StringBuilder out, String name, String help, long value) {
        metric(out, name, help, "gauge", value);
    }

    private static void counter(StringBuilder out, String name, String help, long value) {
        metric(out, name, help, "counter", value);
    }

    private static void metric(StringBuilder out, String name, String help, String type, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(' ').append(type).append('\n')
                .append(name).append(' ').append(value).append('\n');
    }
}
