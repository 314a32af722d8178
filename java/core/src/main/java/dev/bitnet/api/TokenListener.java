package dev.bitnet.api;

/** Receives generated tokens as they are produced (streaming). */
@FunctionalInterface
public interface TokenListener {
    /**
     * @param id   the token id
     * @param text the text that became complete with this token (may be empty while a UTF-8 character is split
     *             across tokens); end tokens give ""
     */
    void onToken(int id, String text);

    TokenListener NONE = (id, text) -> { };
}
