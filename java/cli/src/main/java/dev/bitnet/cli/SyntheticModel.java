package dev.bitnet.cli;

import dev.bitnet.api.BitNetException;
import dev.bitnet.testmodel.TestModelGenerator;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * {@code --synthetic 2b4t}: BitNet b1.58 2B4T's shapes with random I2_S weights (seed 1), written once to the temp
 * folder and reused by every later run (the file is 1.2 GB; writing it takes a while).
 */
final class SyntheticModel {
    private SyntheticModel() {
    }

    /** {@code -m FILE} or {@code --synthetic 2b4t}: a picocli argument group of which a command takes exactly one. */
    static final class Source {
        @Option(names = {"-m", "--model"}, description = "GGUF model file")
        Path model;
        @Option(names = "--synthetic", description = "2b4t: BitNet b1.58 2B4T's shapes with random I2_S weights (written once to the temp folder)")
        String synthetic;

        /** The model file: -m's, checked to be a readable file, or the synthetic one, written first if it is not there. */
        Path file(PrintWriter err) throws IOException {
            Path file = model != null ? model : path(synthetic, err);
            ModelFiles.requireFile(file);
            return file;
        }

        /** How reports name the model: its path, or "synthetic 2b4t (path)". */
        String describe(Path file) {
            return model != null ? file.toString() : "synthetic " + synthetic + " (" + file + ")";
        }
    }

    /** The file of the synthetic model {@code name}, written first if it is not there. */
    static Path path(String name, PrintWriter err) throws IOException {
        if (!name.equalsIgnoreCase("2b4t")) throw new BitNetException("--synthetic supports only 2b4t, got " + name);
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "bitnet-synthetic");
        Files.createDirectories(dir);
        Path file = dir.resolve("2b4t-i2_s-seed1.gguf");
        if (!Files.exists(file)) {
            err.println("writing a random 2B4T-shaped model to " + file + " (once)...");
            Path tmp = dir.resolve("2b4t-i2_s-seed1.gguf.partial");
            TestModelGenerator.write(MakeTestModelCommand.spec("i2_s", "2b4t"), tmp);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        }
        return file;
    }
}
