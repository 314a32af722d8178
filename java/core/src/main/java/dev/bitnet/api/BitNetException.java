package dev.bitnet.api;

/**
 * An error the user caused or can fix (a bad model file, a bad option, a prompt longer than the context).
 * Its message is complete on its own: the CLI and the server print it as it is, without a stack trace.
 */
public class BitNetException extends RuntimeException {
    public BitNetException(String message) {
        super(message);
    }

    public BitNetException(String message, Throwable cause) {
        super(message, cause);
    }
}
