package dev.bitnet.cli;

import dev.bitnet.api.BitNetException;

import java.nio.file.Files;
import java.nio.file.Path;

/** Checks on model paths given on the command line, so that a bad path is a one-line error naming it. */
final class ModelFiles {
    private ModelFiles() {
    }

    static void requireFile(Path p) {
        if (!Files.exists(p)) throw new BitNetException("model file not found: " + p);
        if (!Files.isRegularFile(p)) throw new BitNetException("not a file: " + p);
        if (!Files.isReadable(p)) throw new BitNetException("cannot read " + p + " (permission denied)");
    }
}
