package dev.bitnet.model;

import dev.bitnet.api.BitNet;
import dev.bitnet.api.BitNetException;
import dev.bitnet.api.LoadOptions;
import dev.bitnet.gguf.GgmlType;
import dev.bitnet.gguf.GgufFile;
import dev.bitnet.gguf.GgufWriter;
import dev.bitnet.gguf.ModelFormatException;
import dev.bitnet.testmodel.TestModelGenerator;
import dev.bitnet.testmodel.TestModelSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every kind of bad model file gives one {@link ModelFormatException} (a {@link BitNetException}) whose message names
 * the file and the precise problem — never another exception type.
 */
class BadModelFilesTest {
    @TempDir
    static Path dir;
    static Path good;

    @BeforeAll
    static void writeGoodModel() {
        good = dir.resolve("good.gguf");
        TestModelGenerator.write(TestModelSpec.tiny(GgmlType.I2_S).withSeed(5), good);
    }

    /** Loads a file and returns the error message, failing if it loads or throws anything but BitNetException. */
    private static String loadError(Path file) {
        BitNetException e = assertThrows(BitNetException.class,
                () -> BitNet.load(file, LoadOptions.defaults().withBackend("reference")).close());
        assertTrue(e.getMessage().contains(file.toString()) || e.getMessage().contains(file.getFileName().toString()),
                "message does not name the file: " + e.getMessage());
        return e.getMessage();
    }

    private static Path variant(String name, Consumer<GgufWriter> change) {
        Path out = dir.resolve(name + ".gguf");
        try (GgufFile src = GgufFile.open(good)) {
            GgufWriter w = GgufWriter.copyOf(src);
            change.accept(w);
            w.write(out);
        }
        return out;
    }

    private static Path patched(String name, Consumer<byte[]> change) throws IOException {
        byte[] bytes = Files.readAllBytes(good);
        change.accept(bytes);
        Path out = dir.resolve(name + ".gguf");
        Files.write(out, bytes);
        return out;
    }

    @Test
    void goodModelLoads() {
        BitNet.load(good, LoadOptions.defaults().withBackend("reference")).close();
    }

    @Test
    void wrongMagic() throws IOException {
        String m = loadError(patched("magic", b -> b[0] = 'X'));
        assertTrue(m.contains("not a GGUF file") && m.contains("XGUF"), m);
    }

    @Test
    void missingFile() {
        String m = assertThrows(BitNetException.class, () -> BitNet.load(dir.resolve("nope.gguf"), LoadOptions.defaults())).getMessage();
        assertTrue(m.contains("not found") && m.contains("nope.gguf"), m);
    }

    @Test
    void truncatedAnywhereIsAClearError() throws IOException {
        byte[] bytes = Files.readAllBytes(good);
        long[] cuts = {0, 3, 10, 23, 100, 1000, 5000, bytes.length / 3, bytes.length / 2, bytes.length - 40, bytes.length - 1};
        for (long cut : cuts) {
            Path p = dir.resolve("cut" + cut + ".gguf");
            Files.write(p, Arrays.copyOf(bytes, (int) cut));
            String m = loadError(p);
            assertTrue(m.contains("truncated") || m.contains("past the end") || m.contains("not a GGUF"), cut + ": " + m);
        }
    }

    @Test
    void tensorDataPastTheEnd() throws IOException {
        byte[] bytes = Files.readAllBytes(good);
        Path p = dir.resolve("short.gguf");
        Files.write(p, Arrays.copyOf(bytes, bytes.length - 4096));
        String m = loadError(p);
        assertTrue(m.contains("runs past the end of the file") && m.contains("blk.1.ffn_down.weight"), m);
    }

    @Test
    void unknownTensorType() throws IOException {
        // the type id of the first tensor info follows its name and dims: find it through a parse of our own file
        int at = typeIdOffset(Files.readAllBytes(good), "token_embd.weight");
        String m = loadError(patched("type99", b -> ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(at, 99)));
        assertTrue(m.contains("token_embd.weight") && m.contains("unknown ggml type id 99"), m);
    }

    @Test
    void absurdDimensionsOverflow() throws IOException {
        int at = typeIdOffset(Files.readAllBytes(good), "token_embd.weight");
        // the two u64 dims sit right before the type id
        String m = loadError(patched("dims", b -> {
            ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(at - 16, 1L << 40).putLong(at - 8, 1L << 40);
        }));
        assertTrue(m.contains("token_embd.weight") && (m.contains("overflow") || m.contains("past the end")), m);
    }

    @Test
    void unknownArchitecture() {
        String m = loadError(variant("arch", w -> w.putString("general.architecture", "llama")));
        assertTrue(m.contains("architecture 'llama' is not supported"), m);
    }

    @Test
    void missingTensor() {
        String m = loadError(variant("missing", w -> w.removeTensor("blk.1.ffn_up.weight")));
        assertTrue(m.contains("missing tensor 'blk.1.ffn_up.weight'"), m);
    }

    @Test
    void shapeMismatchWithTheHyperParameters() {
        String m = loadError(variant("ffn", w -> w.putUInt32("bitnet-b1.58.feed_forward_length", 768)));
        assertTrue(m.contains("has shape") && m.contains("768") && m.contains("hyper-parameters"), m);
    }

    @Test
    void ternaryTensorOfAFloatType() {
        String m = loadError(variant("f32q", w -> w.replaceTensor("blk.0.attn_q.weight", GgmlType.F32,
                new long[]{256, 256}, new byte[256 * 256 * 4])));
        assertTrue(m.contains("blk.0.attn_q.weight") && m.contains("has type F32"), m);
    }

    @Test
    void absurdHyperParameters() {
        String m = loadError(variant("layers", w -> w.putUInt32("bitnet-b1.58.block_count", 1L << 31)));
        assertTrue(m.contains("block_count") && m.contains("expected 1..1024"), m);
        m = loadError(variant("heads", w -> w.putUInt32("bitnet-b1.58.attention.head_count", 7)));
        assertTrue(m.contains("head_count") && m.contains("do not divide"), m);
    }

    @Test
    void missingMetadataKey() {
        String m = loadError(variant("nokey", w -> w.remove("bitnet-b1.58.embedding_length")));
        assertTrue(m.contains("missing metadata key 'bitnet-b1.58.embedding_length'"), m);
    }

    @Test
    void badTokenizerData() {
        String m = loadError(variant("merge", w -> w.putStringArray("tokenizer.ggml.merges", java.util.List.of("Ġ t", "x y"))));
        assertTrue(m.contains("tokenizer") && m.contains("'x y'"), m);
    }

    /** Offset of the u32 ggml type of tensor {@code name} in a GGUF file (walking the header as the format defines it). */
    static int typeIdOffset(byte[] file, String name) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        b.position(8);
        long tensors = b.getLong(), kvs = b.getLong();
        for (long i = 0; i < kvs; i++) {
            skipString(b);
            skipValue(b, b.getInt());
        }
        for (long i = 0; i < tensors; i++) {
            byte[] n = new byte[(int) b.getLong()];
            b.get(n);
            int dims = b.getInt();
            b.position(b.position() + 8 * dims);
            if (new String(n, java.nio.charset.StandardCharsets.UTF_8).equals(name)) return b.position();
            b.position(b.position() + 4 + 8);
        }
        throw new IllegalArgumentException(name);
    }

    private static void skipString(ByteBuffer b) {
        long length = b.getLong();
        b.position(b.position() + (int) length);
    }

    private static void skipValue(ByteBuffer b, int type) {
        int[] sizes = {1, 1, 2, 2, 4, 4, 4, 1, -1, -1, 8, 8, 8};
        if (type == 8) skipString(b);
        else if (type == 9) {
            int element = b.getInt();
            long n = b.getLong();
            for (long i = 0; i < n; i++) skipValue(b, element);
        } else b.position(b.position() + sizes[type]);
    }
}
