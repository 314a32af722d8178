package dev.bitnet.api;

/** Why generation ended. */
public enum StopReason {
    /** The model produced an end token ({@code <|eot_id|>} or {@code <|end_of_text|>}). */
    END_OF_TURN,
    /** {@link GenerationParams#maxTokens()} were generated. */
    MAX_TOKENS,
    /** The text reached one of the stop strings. */
    STOP_STRING,
    /** The sequence reached the context length. */
    CONTEXT_FULL,
    /** The caller cancelled it (a scheduler's request whose client went away). */
    CANCELLED
}
