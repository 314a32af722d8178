package dev.bitnet.api;

import dev.bitnet.model.ChatFormat;
import dev.bitnet.sampling.TokenLogprob;
import dev.bitnet.tokenizer.Llama3Tokenizer;
import dev.bitnet.tokenizer.StreamingDecoder;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The output side of one generation, whoever runs the steps (a {@link Session}, or the scheduler for many sequences):
 * takes each generated id, streams its text to the listener through the stop-string filter, and says when generation
 * must end (an end token, a stop string, the token limit). Not thread-safe.
 */
public final class GenerationOutput {
    private final int eotId;
    private final int eosId;
    private final int maxTokens;
    private final TokenListener listener;
    private final StopStringFilter filter;
    private final StreamingDecoder decoder;
    private int[] ids;
    private int count;
    private final List<TokenLogprob> logprobs = new ArrayList<>();
    private boolean finished;

    public GenerationOutput(Llama3Tokenizer tokenizer, int eotId, GenerationParams params, TokenListener listener) {
        if (params.maxTokens() < 0) throw new BitNetException("max tokens must be >= 0");
        this.eotId = eotId;
        this.eosId = tokenizer.eosId();
        this.maxTokens = params.maxTokens();
        this.listener = listener;
        this.filter = new StopStringFilter(params.stopStrings());
        this.decoder = tokenizer.streamingDecoder();
        this.ids = new int[Math.min(maxTokens, 256) + 1];
    }

    /** The end-of-turn id of a chat model ({@code <|eot_id|>}), or its end-of-text id. */
    public static int endOfTurnId(Llama3Tokenizer t) {
        return t.specialTokenId(ChatFormat.END_OF_TURN).orElse(t.eosId());
    }

    /** Whether no token may be generated at all (a limit of 0). */
    public boolean done() {
        return count >= maxTokens;
    }

    /**
     * Takes the next generated id and streams its text. Returns why generation ends with this token, or null when
     * it may go on (then the caller feeds the id and asks for the next).
     */
    public StopReason accept(int id) {
        return accept(id, null);
    }

    /** {@link #accept(int)} with the token's log-probabilities (passed to the listener first, and kept). */
    public StopReason accept(int id, TokenLogprob logprob) {
        if (logprob != null) {
            logprobs.add(logprob);
            listener.onLogprob(logprob);
        }
        if (count == ids.length) ids = Arrays.copyOf(ids, ids.length * 2);
        ids[count++] = id;
        if (id == eotId || id == eosId) {
            listener.onToken(id, "");
            return StopReason.END_OF_TURN;
        }
        listener.onToken(id, filter.accept(decoder.push(id)));
        if (filter.stopped()) return StopReason.STOP_STRING;
        return count >= maxTokens ? StopReason.MAX_TOKENS : null;
    }

    /** Ends the generation: streams the text held back (a split character, a possible stop string's start). */
    public void finish() {
        if (finished) return;
        finished = true;
        String tail = filter.accept(decoder.flush()) + filter.finish();
        if (!tail.isEmpty()) listener.onToken(-1, tail);
    }

    /** The ids generated so far. */
    public int[] ids() {
        return Arrays.copyOf(ids, count);
    }

    /** The log-probabilities passed to {@link #accept(int, TokenLogprob)}, in order. */
    public List<TokenLogprob> logprobs() {
        return List.copyOf(logprobs);
    }

    /** How many ids were generated. */
    public int count() {
        return count;
    }

    /** The text streamed so far (stop string and end token excluded). */
    public String text() {
        return filter.text();
    }
}
