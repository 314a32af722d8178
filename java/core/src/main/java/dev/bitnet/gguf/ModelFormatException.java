package dev.bitnet.gguf;

import dev.bitnet.api.BitNetException;

/**
 * A model file that cannot be used: wrong magic, truncated, unknown tensor type, missing key or tensor, shape that does
 * not match the hyper-parameters. The message names the file, the key or tensor, the offset where it helps, and what
 * was expected.
 */
public class ModelFormatException extends BitNetException {
    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
