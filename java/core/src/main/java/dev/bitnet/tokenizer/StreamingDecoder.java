package dev.bitnet.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns generated ids into text as they come, never splitting a UTF-8 character: bytes of a character whose last
 * bytes have not been generated yet are held back until they arrive.
 */
public final class StreamingDecoder {
    private final Llama3Tokenizer tokenizer;
    private byte[] held = new byte[16];
    private int heldLength;

    StreamingDecoder(Llama3Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** Adds a token; returns the text that became complete (possibly ""). */
    public String push(int id) {
        byte[] bytes = tokenizer.tokenBytes(id);
        if (heldLength + bytes.length > held.length) held = Arrays.copyOf(held, 2 * (heldLength + bytes.length));
        System.arraycopy(bytes, 0, held, heldLength, bytes.length);
        heldLength += bytes.length;
        int complete = Utf8.completePrefix(held, heldLength);
        String text = new String(held, 0, complete, StandardCharsets.UTF_8);
        System.arraycopy(held, complete, held, 0, heldLength - complete);
        heldLength -= complete;
        return text;
    }

    /** Whatever is still held back (invalid or incomplete bytes become U+FFFD). */
    public String flush() {
        String text = new String(held, 0, heldLength, StandardCharsets.UTF_8);
        heldLength = 0;
        return text;
    }
}
