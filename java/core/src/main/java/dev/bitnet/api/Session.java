package dev.bitnet.api;

/**
 * One sequence's state: its tokens so far and their KV cache. Calls continue where the last one stopped, so a chat
 * keeps the conversation in the cache between turns. STUB: being written.
 */
public final class Session implements AutoCloseable {
    /** Feeds {@code promptIds} after what the session already holds, then generates. */
    public GenerationResult generate(int[] promptIds, GenerationParams params, TokenListener listener) { throw new UnsupportedOperationException("TODO"); }

    /** Encodes {@code prompt} (with BOS when the session is empty) and generates. */
    public GenerationResult generate(String prompt, GenerationParams params, TokenListener listener) { throw new UnsupportedOperationException("TODO"); }

    /** One chat turn in the BitNet chat format ("User: ...<|eot_id|>Assistant: "); the reply is generated. */
    public GenerationResult chat(String userMessage, GenerationParams params, TokenListener listener) { throw new UnsupportedOperationException("TODO"); }

    /** Sets the system message; only before the first chat turn. */
    public void setSystemPrompt(String text) { throw new UnsupportedOperationException("TODO"); }

    /** Tokens held in the context. */
    public int position() { throw new UnsupportedOperationException("TODO"); }

    /** The context capacity in tokens. */
    public int contextLength() { throw new UnsupportedOperationException("TODO"); }

    /** Forgets everything; the KV blocks are kept for reuse. */
    public void reset() { throw new UnsupportedOperationException("TODO"); }

    @Override
    public void close() { }
}
