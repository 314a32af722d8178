package dev.bitnet.scheduler;

import dev.bitnet.api.GenerationOutput;
import dev.bitnet.api.GenerationParams;
import dev.bitnet.api.GenerationResult;
import dev.bitnet.api.StopReason;
import dev.bitnet.kv.BlockKey;
import dev.bitnet.kv.BlockTable;
import dev.bitnet.sampling.Sampler;
import dev.bitnet.sampling.TokenLogprob;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One request's state inside the {@link Scheduler}: its prompt, how much of it is in the KV cache, the token
 * generated last (fed at the next step), its sampler and its output. Touched only by the scheduler's thread.
 */
final class ScheduledSequence {
    final Generation handle = new Generation();
    final int[] prompt;
    final GenerationParams params;
    final GenerationOutput output;
    final Sampler sampler;
    final boolean promptLogprobs;                              // score every prompt token too
    final List<TokenLogprob> promptScores = new ArrayList<>(); // token i given 0..i-1, for i = 1..
    BlockTable blocks;
    private int[] history;  // every token fed to the model, in order
    private int fed;        // how many of them are in the KV cache
    private int next = -1;  // generated, to be fed at the next step
    private float[] row;    // this sequence's logits, for a sampler that changes them (repetition penalty)
    private long admitted, firstToken;
    private BlockKey lastKey;  // the key of the last block offered to the prefix cache
    private int keyedBlocks;   // blocks of this sequence keyed so far (adopted or offered)

    ScheduledSequence(int[] prompt, GenerationParams params, GenerationOutput output, boolean promptLogprobs) {
        this.prompt = prompt;
        this.promptLogprobs = promptLogprobs;
        this.params = params;
        this.output = output;
        this.sampler = new Sampler(params.sampling());
        this.history = Arrays.copyOf(prompt, prompt.length + Math.min(params.maxTokens(), 1024));
    }

    void admit(BlockTable table) {
        blocks = table;
        admitted = System.nanoTime();
    }

    int fed() {
        return fed;
    }

    /**
     * Takes the longest run of the prompt's full blocks that the prefix cache holds, leaving at least the prompt's
     * last token to compute (its logits pick the first id); returns how many tokens that saves.
     */
    int reuseCachedPrefix(int blockSize) {
        if (promptLogprobs) return 0; // every prompt token must go through the model to be scored
        int full = (prompt.length - 1) / blockSize;
        while (keyedBlocks < full) {
            BlockKey key = BlockKey.of(lastKey, prompt, keyedBlocks * blockSize, blockSize);
            if (!blocks.adoptCached(key)) break;
            lastKey = key;
            keyedBlocks++;
        }
        fed = keyedBlocks * blockSize;
        return fed;
    }

    /** Offers every block this sequence has filled since the last call to the prefix cache. */
    void cacheFullBlocks(int blockSize) {
        while ((keyedBlocks + 1) * blockSize <= fed) {
            BlockKey key = BlockKey.of(lastKey, history, keyedBlocks * blockSize, blockSize);
            blocks.cache(keyedBlocks, key);
            lastKey = key;
            keyedBlocks++;
        }
    }

    /** Whether this step's tokens all want logits rows: prompt tokens of a sequence scoring its prompt. */
    boolean scoresPrompt() {
        return promptLogprobs && next < 0;
    }

    /** Whether the prompt is in the cache and an id waits to be fed. */
    boolean generating() {
        return next >= 0;
    }

    /** The tokens this sequence feeds at its next step, at most {@code budget} of them: a prompt chunk or one id. */
    int[] nextTokens(int budget) {
        if (next >= 0) return new int[]{next};
        return Arrays.copyOfRange(prompt, fed, fed + Math.min(budget, prompt.length - fed));
    }

    /** Whether a step feeding {@code n} tokens ends with a token whose logits pick the next id. */
    boolean wantsLogits(int n) {
        return next >= 0 || fed + n == prompt.length;
    }

    /** The step has put {@code tokens} in the KV cache. */
    void fed(int[] tokens) {
        if (fed + tokens.length > history.length) history = Arrays.copyOf(history, Math.max(2 * history.length, fed + tokens.length));
        System.arraycopy(tokens, 0, history, fed, tokens.length);
        fed += tokens.length;
        next = -1;
    }

    /** Picks the next id from this sequence's logits, {@code logits[offset .. offset + vocab)}. */
    int sample(float[] logits, int offset, int vocab) {
        if (params.sampling().isPureArgmax()) return argmax(logits, offset, vocab);
        if (row == null) row = new float[vocab];
        System.arraycopy(logits, offset, row, 0, vocab);
        int n = params.sampling().repeatLastN();
        return sampler.sample(row, Arrays.copyOfRange(history, Math.max(0, fed - n), fed));
    }

    /** The id generated this step, to be fed at the next one. */
    void generated(int id) {
        if (firstToken == 0) firstToken = System.nanoTime();
        next = id;
    }

    GenerationResult result(StopReason reason) {
        long end = System.nanoTime(), first = firstToken == 0 ? end : firstToken;
        return new GenerationResult(prompt.clone(), output.ids(), output.text(), reason,
                admitted == 0 ? 0 : (first - admitted) / 1e9, (end - first) / 1e9, output.logprobs());
    }

    /** The lowest index of the largest value (Sampler's greedy pick, on one row of a step's logits). */
    private static int argmax(float[] logits, int offset, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) if (logits[offset + i] > logits[offset + best]) best = i;
        return best;
    }
}
