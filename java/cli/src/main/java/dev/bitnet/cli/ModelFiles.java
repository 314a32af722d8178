package dev.bitnet.cli;

import dev.bitnet.api.BitNetException;
import dev.bitnet.model.HfCheckpoint;

import java.nio.file.Files;
import java.nio.file.Path;

/** Checks on model paths given on the command line, so that a bad path is a one-line error naming it. */
final class ModelFiles {
    private ModelFiles() {
    }

    /** A GGUF file, or a Hugging Face checkpoint directory (one with config.json). */
    static void requireFile(Path p) {
        if (!Files.exists(p)) throw new BitNetException("model file not found: " + p);
        if (Files.isDirectory(p) && !HfCheckpoint.isCheckpoint(p)) {
            throw new BitNetException(p + " is a directory without config.json: expected a GGUF file or a Hugging Face checkpoint directory");
        }
        if (!Files.isRegularFile(p) && !Files.isDirectory(p)) throw new BitNetException("not a file: " + p);
        if (!Files.isReadable(p)) throw new BitNetException("cannot read " + p + " (permission denied)");
    }

    /** For the commands that read GGUF only: a checkpoint directory is a one-line error saying which commands load it. */
    static void requireGguf(Path p, String command) {
        requireFile(p);
        if (Files.isDirectory(p)) {
            throw new BitNetException(command + " reads GGUF files; " + p + " is a Hugging Face checkpoint directory"
                    + " (generate, chat, serve, tokenize and bench load it)");
        }
    }

    /** The model's bytes on disk: the file, or the files of a checkpoint directory. */
    static long bytes(Path p) {
        try {
            if (!Files.isDirectory(p)) return Files.size(p);
            try (var files = Files.list(p)) {
                return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
            }
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            throw new BitNetException("cannot read " + p + " (" + e.getMessage() + ")");
        }
    }
}
