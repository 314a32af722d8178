package dev.bitnet.cli;

import dev.bitnet.api.BitNetException;
import dev.bitnet.gguf.GgmlType;
import dev.bitnet.testmodel.HfCheckpointWriter;
import dev.bitnet.testmodel.TestModelGenerator;
import dev.bitnet.testmodel.TestModelSpec;
import dev.bitnet.testmodel.VocabSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code bitnet make-test-model}: writes a random BitNet model (for tests and benchmarks; no download needed). */
@Command(name = "make-test-model", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = "Write a random BitNet b1.58 model as GGUF, or as a Hugging Face checkpoint (--hf) (tiny shapes for tests, 2B4T shapes for benchmarks).")
final class MakeTestModelCommand implements Callable<Integer> {
    @Option(names = "--format", paramLabel = "i2_s|tq2_0|tq1_0", defaultValue = "i2_s", description = "i2_s, tq2_0 or tq1_0 (default: ${DEFAULT-VALUE})")
    String format;
    @Option(names = "--shape", paramLabel = "NAME", defaultValue = "tiny", description = "tiny, 2b4t, or tiny-llama3 (the shipped model; needs --llama3-vocab) (default: ${DEFAULT-VALUE})")
    String shape;
    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "random seed (default: ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--arch", paramLabel = "NAME", description = "architecture name (default: bitnet-b1.58 for I2_S, bitnet for TQ)")
    String arch;
    @Option(names = "--layers", paramLabel = "N", description = "number of layers (default: the shape's)")
    Integer layers;
    @Option(names = "--separate-scales", description = "TQ formats: scales in .scale tensors, as mainline llama.cpp writes")
    boolean separateScales;
    @Option(names = "--llama3-vocab", paramLabel = "DIR", description = "folder with vocab.json and merges.txt: use the real Llama 3 vocabulary")
    Path llama3Vocab;
    @Option(names = "--embedding-type", paramLabel = "TYPE", defaultValue = "f16", description = "f16, f32 or q8_0 (default: ${DEFAULT-VALUE})")
    String embeddingType;
    @Option(names = "--hf", paramLabel = "packed|latent", description = "write a Hugging Face checkpoint directory at -o "
            + "instead: packed (U8 weights and weight_scale, as microsoft/bitnet-b1.58-2B-4T) or latent (f32 master weights "
            + "quantised at load, as the -bf16 repository)")
    String hf;
    @Option(names = {"-o", "--output"}, paramLabel = "FILE", required = true, description = "the GGUF file (with --hf: the directory) to write")
    Path output;
    @Mixin
    VerboseOption verbose;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (hf != null && !hf.equals("packed") && !hf.equals("latent")) throw new BitNetException("--hf must be packed or latent, got " + hf);
        if (hf == null) return write(output);
        Path gguf = Files.createTempFile("bitnet-test-model", ".gguf");
        try {
            write(gguf);
            HfCheckpointWriter.fromGguf(gguf, output, hf.equals("packed"));
            spec.commandLine().getErr().printf("wrote the Hugging Face checkpoint %s (%s)%n", output, hf);
        } finally {
            Files.deleteIfExists(gguf);
        }
        return 0;
    }

    private int write(Path output) {
        if (shape.equalsIgnoreCase("tiny-llama3")) {
            if (llama3Vocab == null) throw new BitNetException("--shape tiny-llama3 needs --llama3-vocab DIR");
            TestModelGenerator.write(TestModelSpec.tinyLlama3(llama3Vocab), output);
            return 0;
        }
        TestModelSpec s = spec(format, shape).withSeed(seed).withSeparateScales(separateScales)
                .withEmbeddingType(type("--embedding-type", embeddingType));
        if (arch != null) s = s.withArchitecture(arch);
        if (layers != null) s = s.withLayers(layers);
        if (llama3Vocab != null) s = s.withVocab(VocabSource.llama3(llama3Vocab), 128256);
        long t0 = System.nanoTime();
        TestModelGenerator.write(s, output);
        spec.commandLine().getErr().printf(Locale.ROOT, "wrote %s (%s, %s, %d layers, dim %d) in %.1f s%n", output, s.architecture(),
                s.weightType(), s.layers(), s.dim(), (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    static TestModelSpec spec(String format, String shape) {
        GgmlType type = type("--format", format);
        if (!type.isTernary()) throw new BitNetException("--format must be i2_s, tq2_0 or tq1_0, got " + format);
        return switch (shape.toLowerCase(Locale.ROOT)) {
            case "tiny" -> TestModelSpec.tiny(type);
            case "2b4t" -> TestModelSpec.b2b4t(type);
            default -> throw new BitNetException("--shape must be tiny or 2b4t, got " + shape);
        };
    }

    static GgmlType type(String option, String name) {
        try {
            return GgmlType.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BitNetException(option + ": unknown tensor type '" + name + "'");
        }
    }
}
