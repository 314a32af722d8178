package dev.bitnet.api;

import dev.bitnet.backend.ForwardBatch;
import dev.bitnet.kv.BlockTable;
import dev.bitnet.model.ChatFormat;
import dev.bitnet.sampling.Sampler;
import dev.bitnet.sampling.TokenLogprob;
import dev.bitnet.tokenizer.Llama3Tokenizer;

import java.util.Arrays;

/**
 * One sequence's state: the tokens fed so far and their KV blocks. Calls continue where the last one stopped, so a
 * chat keeps the conversation in the cache between turns. The last generated token is fed at the start of the next
 * call. Not thread-safe: one caller per session (sessions of one model may run on different threads).
 */
public final class Session implements AutoCloseable {
    private final BitNetModel model;
    private final BlockTable blockTable;
    private final int contextLength;
    private final int eotId;
    private final float[] logits;
    private final int[] nextId = new int[1];
    private boolean argmaxOnBackend;
    private int[] history = new int[256];   // every token fed to the model, in order
    private int fed;                        // how many of them are in the KV cache
    private int pending = -1;               // generated but not yet fed
    private String systemPrompt;

    Session(BitNetModel model, BlockTable blockTable, int contextLength) {
        this.model = model;
        this.blockTable = blockTable;
        this.contextLength = contextLength;
        Llama3Tokenizer t = model.tokenizer();
        this.eotId = GenerationOutput.endOfTurnId(t);
        this.logits = new float[model.config().vocabSize()];
    }

    /** Encodes {@code prompt} (with BOS when the session is empty) and generates. */
    public GenerationResult generate(String prompt, GenerationParams params, TokenListener listener) {
        return generate(model.tokenizer().encode(prompt, fed == 0 && pending < 0), params, listener);
    }

    /** One chat turn in the BitNet chat format ("User: ...<|eot_id|>Assistant: "); the reply is generated. */
    public GenerationResult chat(String userMessage, GenerationParams params, TokenListener listener) {
        Llama3Tokenizer t = model.tokenizer();
        StringBuilder text = new StringBuilder();
        boolean first = fed == 0 && pending < 0;
        if (first && systemPrompt != null) text.append(ChatFormat.message("System", systemPrompt));
        if (!first && lastToken() != eotId) text.append(ChatFormat.END_OF_TURN); // the last reply was cut short
        text.append(ChatFormat.message("User", userMessage)).append(ChatFormat.replyPrompt());
        return generate(t.encode(text.toString(), first), params, listener);
    }

    /** Sets the system message; only before the first chat turn. */
    public void setSystemPrompt(String text) {
        if (fed > 0 || pending >= 0) throw new BitNetException("the system prompt must be set before the first turn");
        systemPrompt = text;
    }

    /**
     * Feeds {@code promptIds} after what the session already holds, then generates. A prompt that does not fit in
     * the context throws {@link BitNetException} and leaves the session as it was.
     */
    public GenerationResult generate(int[] promptIds, GenerationParams params, TokenListener listener) {
        int[] input = pending >= 0 ? prepend(pending, promptIds) : promptIds.clone();
        if (input.length == 0) throw new BitNetException("the prompt is empty");
        model.config().requireTokenIds(input);
        if (fed + input.length > contextLength) {
            throw new BitNetException("the prompt (" + input.length + " tokens) does not fit in the context: "
                    + contextLength + " tokens, " + fed + " already used");
        }
        if (params.maxTokens() < 0) throw new BitNetException("max tokens must be >= 0");
        pending = -1;

        // plain greedy decoding lets the backend pick the id where the logits are (one id, not 128K logits, comes back)
        argmaxOnBackend = params.sampling().isPureArgmax() && params.logprobs() < 0;
        long t0 = System.nanoTime();
        prefill(input);
        double prefillSeconds = (System.nanoTime() - t0) / 1e9;

        Sampler sampler = new Sampler(params.sampling());
        GenerationOutput output = new GenerationOutput(model.tokenizer(), eotId, params, listener);
        StopReason reason = StopReason.MAX_TOKENS;
        long t1 = System.nanoTime();
        while (!output.done()) {
            TokenLogprob[] lp = {null};
            int id = argmaxOnBackend ? nextId[0] : sampleWithLogprob(sampler, params, lp);
            StopReason stop = output.accept(id, lp[0]);
            if (stop != null) { // the id is fed at the start of the next call
                pending = id;
                reason = stop;
                break;
            }
            if (fed == contextLength) {
                reason = StopReason.CONTEXT_FULL;
                break;
            }
            step(new int[]{id}, true);
        }
        output.finish();
        double decodeSeconds = (System.nanoTime() - t1) / 1e9;
        return new GenerationResult(input, output.ids(), output.text(), reason, prefillSeconds, decodeSeconds,
                output.logprobs());
    }

    /** Samples from {@link #logits}; with logprobs asked, first takes them from the raw logits (the sampler changes them). */
    private int sampleWithLogprob(Sampler sampler, GenerationParams params, TokenLogprob[] logprob) {
        if (params.logprobs() < 0) return sampler.sample(logits, recentTokens(params.sampling().repeatLastN()));
        float[] raw = logits.clone();
        int id = sampler.sample(logits, recentTokens(params.sampling().repeatLastN()));
        logprob[0] = TokenLogprob.of(raw, 0, raw.length, id, params.logprobs());
        return id;
    }

    /**
     * Feeds the prompt in chunks of the model's step size; the logits of its last token end up in {@link #logits} (or
     * their argmax in {@link #nextId}).
     */
    private void prefill(int[] input) {
        int chunk = model.maxStepTokens();
        for (int start = 0; start < input.length; start += chunk) {
            int end = Math.min(input.length, start + chunk);
            step(Arrays.copyOfRange(input, start, end), end == input.length);
        }
    }

    private void step(int[] tokens, boolean wantLogits) {
        blockTable.ensureCapacity(fed + tokens.length);
        ForwardBatch one = ForwardBatch.single(tokens, fed, blockTable.blocks(), BitNetModel.KV_BLOCK_SIZE);
        ForwardBatch batch = wantLogits ? one : new ForwardBatch(one.tokens(), one.positions(), one.seqIndex(),
                one.blockTables(), new int[0], one.blockSize());
        if (wantLogits && argmaxOnBackend) model.forwardGreedy(batch, nextId);
        else model.forward(batch, logits);
        for (int t : tokens) append(t);
    }

    private void append(int token) {
        if (fed == history.length) history = Arrays.copyOf(history, history.length * 2);
        history[fed++] = token;
    }

    private int lastToken() {
        return pending >= 0 ? pending : fed > 0 ? history[fed - 1] : -1;
    }

    private int[] recentTokens(int n) {
        int from = Math.max(0, fed - n);
        return Arrays.copyOfRange(history, from, fed);
    }

    private static int[] prepend(int first, int[] rest) {
        int[] all = new int[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    /** Tokens held in the context. */
    public int position() {
        return fed;
    }

    /** The context capacity in tokens. */
    public int contextLength() {
        return contextLength;
    }

    /** Forgets everything and gives the KV blocks back. */
    public void reset() {
        blockTable.release();
        fed = 0;
        pending = -1;
    }

    @Override
    public void close() {
        blockTable.release();
    }
}
