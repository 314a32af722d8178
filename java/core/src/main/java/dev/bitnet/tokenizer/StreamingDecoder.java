package dev.bitnet.tokenizer;

/** Turns generated ids into text as they come, never splitting a UTF-8 character. STUB. */
public final class StreamingDecoder {
    /** Adds a token; returns the text that became complete (possibly ""). */
    public String push(int id) { throw new UnsupportedOperationException("TODO"); }

    /** Whatever is still held back (invalid or incomplete bytes become U+FFFD). */
    public String flush() { throw new UnsupportedOperationException("TODO"); }
}
