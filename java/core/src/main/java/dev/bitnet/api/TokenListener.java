package dev.bitnet.api;

import dev.bitnet.sampling.TokenLogprob;

/** Receives generated tokens as they are produced (streaming). */
@FunctionalInterface
public interface TokenListener {
    /**
     * @param id   the token id
     * @param text the text that became complete with this token (may be empty while a UTF-8 character is split
     *             across tokens); end tokens give ""
     */
    void onToken(int id, String text);

    /**
     * The log-probabilities of the token about to be passed to {@link #onToken}, when the request asked for them
     * ({@link GenerationParams#logprobs()}); ignored by default.
     */
    default void onLogprob(TokenLogprob logprob) {
    }

    TokenListener NONE = (id, text) -> { };
}
