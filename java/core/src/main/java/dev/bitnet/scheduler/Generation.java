package dev.bitnet.scheduler;

import dev.bitnet.api.GenerationParams;
import dev.bitnet.api.GenerationResult;
import dev.bitnet.api.TokenListener;
import dev.bitnet.sampling.TokenLogprob;

import java.util.List;

import java.util.concurrent.CompletableFuture;

/**
 * A request handed to the {@link Scheduler}: its result once it ends, and a way to stop it early. The result completes
 * normally for every way a generation ends, {@link dev.bitnet.api.StopReason#CANCELLED} included, and exceptionally
 * only when the step that ran it failed (the message says why) or the scheduler closed.
 */
public final class Generation {
    private final CompletableFuture<GenerationResult> result = new CompletableFuture<>();
    private volatile boolean cancelled;
    private volatile List<TokenLogprob> promptLogprobs = List.of();

    Generation() {
    }

    /** Completes when generation ends. */
    public CompletableFuture<GenerationResult> result() {
        return result;
    }

    /**
     * Asks the scheduler to stop this generation at its next step and give its KV blocks back; the result then
     * holds what was generated so far, with stop reason CANCELLED. Safe from any thread, any number of times.
     */
    public void cancel() {
        cancelled = true;
    }

    /**
     * With {@link Scheduler#submit(int[], GenerationParams, TokenListener, boolean) prompt log-probabilities} asked for,
     * once the result is complete: one for each prompt token after the first (token i given tokens 0..i-1), with
     * {@link GenerationParams#logprobs()} alternatives; else empty.
     */
    public List<TokenLogprob> promptLogprobs() {
        return promptLogprobs;
    }

    void setPromptLogprobs(List<TokenLogprob> logprobs) {
        promptLogprobs = List.copyOf(logprobs);
    }

    boolean cancelled() {
        return cancelled;
    }

    CompletableFuture<GenerationResult> future() {
        return result;
    }
}
