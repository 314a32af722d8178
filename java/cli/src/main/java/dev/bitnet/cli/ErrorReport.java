package dev.bitnet.cli;

import dev.bitnet.api.BitNetException;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Turns a failure into one line on stderr and an exit code: the user's errors ({@link BitNetException}, I/O errors on
 * the user's paths, running out of memory) print {@code error: <message>} and give {@link Main#EXIT_USER_ERROR};
 * anything else is a bug and prints {@code internal error: <class>: <message>} with {@link Main#EXIT_INTERNAL}. The
 * stack trace follows only with {@code --verbose}.
 */
final class ErrorReport {
    private ErrorReport() {
    }

    static int report(Throwable e, boolean verbose, PrintStream err) {
        String userMessage = userMessage(e);
        int code;
        if (userMessage != null) {
            err.println("error: " + oneLine(userMessage));
            code = Main.EXIT_USER_ERROR;
        } else {
            err.println("internal error: " + e.getClass().getName() + ": " + oneLine(String.valueOf(e.getMessage()))
                    + (verbose ? "" : " (run with " + VerboseOption.NAME + " for the stack trace)"));
            code = Main.EXIT_INTERNAL;
        }
        if (verbose) e.printStackTrace(err);
        err.flush();
        return code;
    }

    /** The message to show a user for {@code e}, or {@code null} when it is not the user's error. */
    private static String userMessage(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof BitNetException b) return b.getMessage() != null ? b.getMessage() : "invalid input";
        }
        if (e instanceof OutOfMemoryError) {
            return "out of memory; give the JVM more heap, e.g. BITNET_JAVA_OPTS=-Xmx16g ./bitnet ...";
        }
        IOException io = e instanceof UncheckedIOException u ? u.getCause() : e instanceof IOException i ? i : null;
        return io == null ? null : describe(io);
    }

    private static String describe(IOException e) {
        if (e instanceof FileSystemException f) {
            String file = f.getFile();
            String why = switch (f) {
                case NoSuchFileException n -> "no such file or directory";
                case AccessDeniedException a -> "permission denied";
                case FileAlreadyExistsException a -> "already exists";
                case NotDirectoryException n -> "not a directory";
                default -> f.getReason() != null ? f.getReason() : "file system error";
            };
            return file + ": " + why;
        }
        return "I/O error: " + e.getMessage();
    }

    /** Messages are meant to be one line; a stray line break must not make them two. */
    private static String oneLine(String s) {
        return s.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
