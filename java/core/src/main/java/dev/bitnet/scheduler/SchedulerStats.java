package dev.bitnet.scheduler;

import dev.bitnet.api.StopReason;

import java.util.Map;

/**
 * A snapshot of a {@link Scheduler}'s state and counters since it started (what {@code /health} and {@code /metrics}
 * report).
 *
 * @param running            sequences holding KV blocks
 * @param waiting            requests queued for a place
 * @param promptTokens       prompt tokens of the requests admitted
 * @param cachedPromptTokens of those, the ones whose KV came from the prefix cache
 * @param generatedTokens    tokens generated
 * @param steps              forward steps run
 * @param stepTokens         tokens fed by those steps (stepTokens / steps: the mean batch)
 * @param finished           requests ended, by reason (cancelled ones included)
 * @param failed             requests ended by a failed step
 * @param kvBlocksTotal      the KV cache's blocks
 * @param kvBlocksFree       blocks an allocation can take (free, or cached and held by no sequence)
 * @param kvBlocksCached     blocks kept for the prefix cache (held or not)
 */
public record SchedulerStats(int running, int waiting, long promptTokens, long cachedPromptTokens, long generatedTokens,
                             long steps, long stepTokens, Map<StopReason, Long> finished, long failed,
                             int kvBlocksTotal, int kvBlocksFree, int kvBlocksCached) {

    /** Requests that ended cancelled. */
    public long cancelled() {
        return finished.getOrDefault(StopReason.CANCELLED, 0L);
    }
}
