package dev.bitnet.scheduler;

import dev.bitnet.api.BitNetException;
import dev.bitnet.api.BitNetModel;
import dev.bitnet.api.GenerationOutput;
import dev.bitnet.api.GenerationParams;
import dev.bitnet.api.StopReason;
import dev.bitnet.api.TokenListener;
import dev.bitnet.backend.ForwardBatch;
import dev.bitnet.sampling.TokenLogprob;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Continuous batching: many requests share every forward step of one model. Requests wait in a queue until one of
 * the model's {@link BitNetModel#maxSequences()} places is free; then each step feeds one token of every sequence that
 * is generating, and fills the rest of the step ({@link BitNetModel#maxStepTokens()} tokens) with prompt chunks of
 * sequences still reading their prompt, oldest first. A sequence that ends (end token, stop string, token limit,
 * full context, cancel) gives its KV blocks back at once and a waiting request takes its place at the next step.
 *
 * <p>One thread runs the steps. Listeners are called on it: they must hand the text on and return, not block (a slow
 * client would hold up every other sequence). A failing step fails the requests in it, with the backend's message,
 * and the scheduler goes on with the others; a listener that throws cancels its own request only.
 *
 * <p><b>Prefix caching</b> (on by default): every full KV block a sequence fills is kept under the key of the tokens up
 * to its end ({@link dev.bitnet.kv.BlockAllocator}); a new request whose prompt starts with the same tokens (a system
 * prompt, the earlier turns of a chat, which OpenAI clients send again every turn) takes those blocks instead of
 * computing them, and only feeds the rest. Kept blocks no sequence holds are reused, least recently used first, when
 * the cache needs room.
 *
 * <p>Each sequence gets the ids a {@link dev.bitnet.api.Session} would give it alone (the batched step computes each
 * token's row as a step of one sequence does, so a cached block holds the same values the sequence would have
 * computed, and each sequence has its own sampler).
 */
public final class Scheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);

    private final BitNetModel model;
    private final int vocab;
    private final int eotId;
    private final BlockingQueue<ScheduledSequence> waiting = new LinkedBlockingQueue<>();
    private final List<ScheduledSequence> running = new ArrayList<>();
    private float[] logits; // [rows, vocab] of a step: a row per picking sequence, or per token of a prompt being scored
    private final int[] greedyIds;
    private final Thread thread;
    private volatile boolean closed;
    private volatile int runningCount;
    private final AtomicLong promptTokens = new AtomicLong();
    private final AtomicLong cachedPromptTokens = new AtomicLong();
    private final AtomicLong generatedTokens = new AtomicLong();
    private final AtomicLong steps = new AtomicLong();
    private final AtomicLong stepTokens = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final Map<StopReason, AtomicLong> finished = new EnumMap<>(StopReason.class);
    private final boolean prefixCaching;

    /** Starts the scheduler's thread on {@code model} (which stays the caller's to close, after this), with prefix caching. */
    public Scheduler(BitNetModel model) {
        this(model, true);
    }

    /** Starts the scheduler's thread on {@code model}; {@code prefixCaching} false computes every prompt in full. */
    public Scheduler(BitNetModel model, boolean prefixCaching) {
        this.model = model;
        this.prefixCaching = prefixCaching;
        for (StopReason r : StopReason.values()) finished.put(r, new AtomicLong());
        this.vocab = model.config().vocabSize();
        this.eotId = GenerationOutput.endOfTurnId(model.tokenizer());
        this.logits = new float[Math.multiplyExact(model.maxSequences(), vocab)];
        this.greedyIds = new int[model.maxSequences()];
        this.thread = Thread.ofPlatform().name("bitnet-scheduler").daemon().unstarted(this::loop);
        thread.start();
    }

    /**
     * Queues a request. Bad requests (empty prompt, unknown ids, a prompt the context cannot hold, a negative token
     * limit) throw {@link BitNetException} here, before anything is queued.
     *
     * @param listener gets each token's text as it is generated, on the scheduler's thread (must not block)
     */
    public Generation submit(int[] promptIds, GenerationParams params, TokenListener listener) {
        return submit(promptIds, params, listener, false);
    }

    /**
     * {@link #submit(int[], GenerationParams, TokenListener)}; with {@code promptLogprobs}, every prompt token is also
     * scored ({@link Generation#promptLogprobs()}: what an evaluation harness's loglikelihood requests need), even with
     * a token limit of 0, and the prompt is computed in full rather than taken from the prefix cache.
     */
    public Generation submit(int[] promptIds, GenerationParams params, TokenListener listener, boolean promptLogprobs) {
        if (closed) throw new BitNetException("the scheduler is closed");
        if (promptIds.length == 0) throw new BitNetException("the prompt is empty");
        model.config().requireTokenIds(promptIds);
        if (promptIds.length > model.contextLength()) {
            throw new BitNetException("the prompt (" + promptIds.length + " tokens) does not fit in the context ("
                    + model.contextLength() + " tokens)");
        }
        var output = new GenerationOutput(model.tokenizer(), eotId, params, listener);
        var sequence = new ScheduledSequence(promptIds.clone(), params, output, promptLogprobs);
        waiting.add(sequence);
        if (closed && waiting.remove(sequence)) throw new BitNetException("the scheduler is closed");
        return sequence.handle;
    }

    /** Requests queued, not yet running. */
    public int waitingCount() {
        return waiting.size();
    }

    /** Sequences running (holding KV blocks). */
    public int runningCount() {
        return runningCount;
    }

    /** The counters and the KV cache's state now. */
    public SchedulerStats stats() {
        Map<StopReason, Long> ended = new EnumMap<>(StopReason.class);
        finished.forEach((reason, count) -> ended.put(reason, count.get()));
        return new SchedulerStats(runningCount, waiting.size(), promptTokens.get(), cachedPromptTokens.get(),
                generatedTokens.get(), steps.get(), stepTokens.get(), Map.copyOf(ended), failed.get(),
                model.totalKvBlocks(), model.freeKvBlocks(), model.cachedKvBlocks());
    }

    /** Whether {@link #close} was called (or the scheduler's thread died). */
    public boolean isClosed() {
        return closed;
    }

    /** The model this scheduler runs. */
    public BitNetModel model() {
        return model;
    }

    private void loop() {
        try {
            while (!closed) {
                admit();
                if (running.isEmpty()) {
                    ScheduledSequence s = waiting.poll(50, TimeUnit.MILLISECONDS);
                    if (s != null) start(s);
                    continue;
                }
                step();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) { // a bug here: fail everything rather than leave callers waiting
            LOG.error("scheduler stopped", e);
            closed = true;
        }
        BitNetException gone = new BitNetException("the scheduler was closed");
        for (ScheduledSequence s : List.copyOf(running)) fail(s, gone);
        for (ScheduledSequence s; (s = waiting.poll()) != null; ) s.handle.future().completeExceptionally(gone);
    }

    private void admit() {
        while (running.size() < model.maxSequences()) {
            ScheduledSequence s = waiting.poll();
            if (s == null) return;
            start(s);
        }
    }

    private void start(ScheduledSequence s) {
        if (s.handle.cancelled() || (s.output.done() && !s.promptLogprobs)) { // nothing to run: cancelled, or 0 tokens asked
            StopReason reason = s.handle.cancelled() ? StopReason.CANCELLED : StopReason.MAX_TOKENS;
            finished.get(reason).incrementAndGet();
            s.handle.future().complete(s.result(reason));
            return;
        }
        s.admit(model.newBlockTable());
        promptTokens.addAndGet(s.prompt.length);
        if (prefixCaching) cachedPromptTokens.addAndGet(s.reuseCachedPrefix(BitNetModel.KV_BLOCK_SIZE));
        running.add(s);
        runningCount = running.size();
    }

    /**
     * What one step feeds: {@code tokens.get(i)} of sequence {@code sequences.get(i)}; {@code greedy} when every
     * sequence that picks an id this step picks the plain argmax (the backend then sends back ids, not logits).
     */
    private record StepPlan(List<ScheduledSequence> sequences, List<int[]> tokens, int[] firstRow, ForwardBatch batch,
                            boolean greedy) {
    }

    /** One forward step over every running sequence (as many as the step holds), then a token for each that asks. */
    private void step() {
        for (ScheduledSequence s : List.copyOf(running)) if (s.handle.cancelled()) finish(s, StopReason.CANCELLED);
        StepPlan plan = plan();
        if (plan == null) return;
        try {
            if (plan.greedy()) model.forwardGreedy(plan.batch(), greedyIds);
            else model.forward(plan.batch(), logits);
            steps.incrementAndGet();
            stepTokens.addAndGet(plan.batch().tokenCount());
        } catch (RuntimeException e) {
            LOG.warn("a step of {} sequences failed: {}", plan.sequences().size(), e.toString());
            for (ScheduledSequence s : plan.sequences()) fail(s, e);
            return;
        }
        pick(plan);
    }

    /** Generating sequences first (one token each), then prompt chunks, oldest first, up to the step's size. */
    private StepPlan plan() {
        int budget = model.maxStepTokens();
        List<ScheduledSequence> planned = new ArrayList<>();
        List<int[]> fed = new ArrayList<>();
        List<ScheduledSequence> order = new ArrayList<>(running);
        order.sort(Comparator.comparing(s -> !s.generating())); // stable: admission order within each kind
        for (ScheduledSequence s : order) {
            if (budget == 0) break;
            int[] tokens = s.nextTokens(budget);
            try {
                s.blocks.ensureCapacity(s.fed() + tokens.length);
            } catch (BitNetException e) { // the cache is shared with sessions; only they can exhaust it
                fail(s, e);
                continue;
            }
            planned.add(s);
            fed.add(tokens);
            budget -= tokens.length;
        }
        if (planned.isEmpty()) return null;

        int total = fed.stream().mapToInt(t -> t.length).sum(), at = 0;
        int[] tokens = new int[total], positions = new int[total], seqIndex = new int[total];
        int[][] tables = new int[planned.size()][];
        int[] logitRows = new int[total], firstRow = new int[planned.size()];
        int rows = 0;
        boolean greedy = true;
        for (int i = 0; i < planned.size(); i++) {
            ScheduledSequence s = planned.get(i);
            int[] t = fed.get(i);
            tables[i] = s.blocks.blocks();
            firstRow[i] = rows;
            for (int j = 0; j < t.length; j++, at++) {
                tokens[at] = t[j];
                positions[at] = s.fed() + j;
                seqIndex[at] = i;
                if (s.scoresPrompt()) logitRows[rows++] = at;   // every prompt token's row
            }
            if (s.scoresPrompt()) greedy = false;
            else if (s.wantsLogits(t.length)) {
                logitRows[rows++] = at - 1;
                greedy &= s.params.sampling().isPureArgmax() && s.params.logprobs() < 0;
            }
        }
        if (logits.length < rows * vocab) logits = new float[rows * vocab]; // only a scored prompt needs more rows
        ForwardBatch batch = new ForwardBatch(tokens, positions, seqIndex, tables, Arrays.copyOf(logitRows, rows),
                BitNetModel.KV_BLOCK_SIZE);
        return new StepPlan(planned, fed, firstRow, batch, greedy && rows > 0);
    }

    /** After the step: each sequence's tokens are in the cache; those whose last token has logits pick an id. */
    private void pick(StepPlan plan) {
        for (int i = 0; i < plan.sequences().size(); i++) {
            ScheduledSequence s = plan.sequences().get(i);
            int[] t = plan.tokens().get(i);
            boolean picks = s.wantsLogits(t.length);
            int row = plan.firstRow()[i];
            if (s.scoresPrompt()) { // token p + 1 of the prompt given tokens 0..p, from row p
                int k = Math.max(0, s.params.logprobs());
                for (int j = 0; j < t.length && s.fed() + j + 1 < s.prompt.length; j++) {
                    s.promptScores.add(TokenLogprob.of(logits, (row + j) * vocab, vocab, s.prompt[s.fed() + j + 1], k));
                }
                row += t.length - 1;
            }
            s.fed(t);
            if (prefixCaching) s.cacheFullBlocks(BitNetModel.KV_BLOCK_SIZE);
            if (!picks) continue;
            if (s.output.done()) { // a prompt scored with no token asked
                finish(s, StopReason.MAX_TOKENS);
                continue;
            }
            int id = plan.greedy() ? greedyIds[row] : s.sample(logits, row * vocab, vocab);
            TokenLogprob logprob = s.params.logprobs() < 0 ? null
                    : TokenLogprob.of(logits, row * vocab, vocab, id, s.params.logprobs()); // sample() left the row as it was
            s.generated(id);
            generatedTokens.incrementAndGet();
            StopReason stop;
            try {
                stop = s.output.accept(id, logprob);
            } catch (RuntimeException e) { // the listener failed: its caller is gone
                finish(s, StopReason.CANCELLED);
                continue;
            }
            if (stop == null && s.fed() == model.contextLength()) stop = StopReason.CONTEXT_FULL;
            if (stop != null) finish(s, stop);
        }
    }

    private void finish(ScheduledSequence s, StopReason reason) {
        try {
            s.output.finish();
        } catch (RuntimeException e) {
            reason = StopReason.CANCELLED;
        }
        release(s);
        finished.get(reason).incrementAndGet();
        s.handle.setPromptLogprobs(s.promptScores);
        s.handle.future().complete(s.result(reason));
    }

    private void fail(ScheduledSequence s, Throwable e) {
        release(s);
        failed.incrementAndGet();
        s.handle.future().completeExceptionally(e);
    }

    private void release(ScheduledSequence s) {
        if (running.remove(s)) s.blocks.release();
        runningCount = running.size();
    }

    /**
     * Stops the thread after its current step; requests still queued or running complete exceptionally. The model
     * is not closed.
     */
    @Override
    public void close() {
        closed = true;
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
