package dev.bitnet.gguf;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Broken GGUF files, made by patching the bytes of a valid one: each must fail in {@link GgufFile#open} with one
 * ModelFormatException naming the file and the specific problem, never a raw exception.
 */
class GgufBadInputTest {
    @TempDir
    Path dir;
    private byte[] good;

    @BeforeEach
    void writeGoodFile() throws IOException {
        Path file = dir.resolve("good.gguf");
        new GgufWriter()
                .putString("general.architecture", "bitnet-b1.58")
                .putUInt32("bitnet-b1.58.block_count", 1)
                .putStringArray("tokenizer.ggml.tokens", List.of("a", "b", "ab"))
                .putInt32Array("tokenizer.ggml.token_type", new int[]{1, 1, 1})
                .addTensor("token_embd.weight", GgmlType.Q8_0, new long[]{64, 4}, new byte[8 * 34])
                .addTensor("blk.0.attn_q.weight", GgmlType.I2_S, new long[]{128, 2}, new byte[64 + 32])
                .addTensor("output_norm.weight", GgmlType.F32, new long[]{64}, new byte[256])
                .write(file);
        good = Files.readAllBytes(file);
        try (GgufFile f = GgufFile.open(file)) {
            assertEquals(3, f.tensors().size());
        }
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Offset of the first occurrence of a GGUF string (u64 length + bytes) in the file. */
    private int stringAt(byte[] b, String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        byte[] needle = new byte[8 + utf8.length];
        le(needle).putLong(utf8.length).put(utf8);
        for (int i = 0; i + needle.length <= b.length; i++) {
            if (Arrays.equals(b, i, i + needle.length, needle, 0, needle.length)) return i;
        }
        throw new AssertionError("'" + s + "' not in the file");
    }

    /** Offset of the n_dims field of a tensor's info. */
    private int tensorInfo(byte[] b, String name) {
        return stringAt(b, name) + 8 + name.getBytes(StandardCharsets.UTF_8).length;
    }

    /** Writes a patched copy and returns open()'s error message, checking it names the file. */
    private String error(String fileName, Consumer<byte[]> patch) throws IOException {
        byte[] b = good.clone();
        patch.accept(b);
        return error(fileName, b);
    }

    private String error(String fileName, byte[] bytes) throws IOException {
        Path file = dir.resolve(fileName);
        Files.write(file, bytes);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> GgufFile.open(file).close());
        assertTrue(e.getMessage().contains(fileName), e.getMessage());
        return e.getMessage();
    }

    private static void assertContains(String message, String... parts) {
        for (String p : parts) assertTrue(message.contains(p), "expected '" + p + "' in: " + message);
    }

    @Test
    void wrongMagicShowsTheBytesFound() throws IOException {
        String m = error("magic.gguf", b -> b[0] = 'X');
        assertContains(m, "not a GGUF file", "'XGUF'", "58 47 55 46", "expected the magic bytes 'GGUF'");
        assertContains(error("empty.gguf", new byte[0]), "empty file");
    }

    @Test
    void unsupportedVersion() throws IOException {
        assertContains(error("v4.gguf", b -> le(b).putInt(4, 4)), "version 4", "expected 2 or 3");
    }

    @Test
    void truncatedAnywhereIsOneClearError() throws IOException {
        int dataStart = good.length - (8 * 34 + 96 + 256 + 0); // tensors are 32-aligned and sized so: no padding
        for (int cut = 0; cut < good.length; cut += (cut < dataStart ? 1 : 37)) {
            String m = error("cut" + cut + ".gguf", Arrays.copyOf(good, cut));
            assertTrue(m.contains("truncated") || m.contains("past the end") || m.contains("not a GGUF file"), cut + ": " + m);
        }
    }

    @Test
    void truncationNamesWhatWasBeingRead() throws IOException {
        int last = stringAt(good, "tokenizer.ggml.token_type");
        assertContains(error("key.gguf", Arrays.copyOf(good, last + 4)), "truncated at offset " + last, "metadata entry 3");
        int key = stringAt(good, "bitnet-b1.58.block_count");
        assertContains(error("early.gguf", Arrays.copyOf(good, key + 4)), "truncated or corrupt", "tensor count", "claims 3");
        assertContains(error("str.gguf", Arrays.copyOf(good, key + 12)), "string of 24 bytes", "past the end");
        int tokens = stringAt(good, "tokenizer.ggml.tokens");
        int array = tokens + 8 + 21 + 4;
        assertContains(error("array.gguf", Arrays.copyOf(good, array + 10)), "tokenizer.ggml.tokens");
        int info = tensorInfo(good, "blk.0.attn_q.weight");
        assertContains(error("info.gguf", Arrays.copyOf(good, info + 6)), "truncated at offset " + (info + 4),
                "tensor 'blk.0.attn_q.weight'");
    }

    @Test
    void absurdCountsAndLengths() throws IOException {
        assertContains(error("tcount.gguf", b -> le(b).putLong(8, 1L << 40)), "tensor count", "claims " + (1L << 40));
        assertContains(error("kvcount.gguf", b -> le(b).putLong(16, 1L << 40)), "metadata count", "claims");
        int key = stringAt(good, "bitnet-b1.58.block_count");
        assertContains(error("strlen.gguf", b -> le(b).putLong(key, 1L << 50)), "string of " + (1L << 50) + " bytes",
                "offset " + key, "past the end");
        assertContains(error("neglen.gguf", b -> le(b).putLong(key, -1L)), "18446744073709551615", "out of range");
        int count = stringAt(good, "tokenizer.ggml.tokens") + 8 + 21 + 4 + 4;
        assertContains(error("acount.gguf", b -> le(b).putLong(count, 1L << 40)), "tokenizer.ggml.tokens", "claims");
        int elementType = count - 4;
        assertContains(error("atype.gguf", b -> le(b).putInt(elementType, 42)), "tokenizer.ggml.tokens",
                "unknown element type 42");
        int valueType = count - 8;
        assertContains(error("vtype.gguf", b -> le(b).putInt(valueType, 13)), "metadata key 'tokenizer.ggml.tokens'",
                "unknown value type 13");
    }

    @Test
    void tooManyOrTooFewDimensions() throws IOException {
        int info = tensorInfo(good, "token_embd.weight");
        assertContains(error("dims5.gguf", b -> le(b).putInt(info, 5)), "token_embd.weight", "5 dimensions, expected 1 to 4");
        assertContains(error("dims0.gguf", b -> le(b).putInt(info, 0)), "token_embd.weight", "0 dimensions");
    }

    @Test
    void absurdDimensions() throws IOException {
        int info = tensorInfo(good, "token_embd.weight");
        assertContains(error("overflow.gguf", b -> le(b).putLong(info + 4 + 8, 1L << 62)), "tensor 'token_embd.weight'",
                "element count overflows", "info at offset " + (info - 8 - 17));
        assertContains(error("zero.gguf", b -> le(b).putLong(info + 4, 0)), "token_embd.weight", "dimension 0", "expected > 0");
        int norm = tensorInfo(good, "output_norm.weight");
        assertContains(error("huge.gguf", b -> le(b).putLong(norm + 4, 1L << 61)), "output_norm.weight", "past the end");
    }

    @Test
    void unknownTensorTypeListsTheSupportedOnes() throws IOException {
        int info = tensorInfo(good, "blk.0.attn_q.weight");
        String m = error("type99.gguf", b -> le(b).putInt(info + 4 + 16, 99));
        assertContains(m, "tensor 'blk.0.attn_q.weight'", "unknown ggml type id 99", "I2_S (36)", "TQ2_0 (35)", "Q6_K (14)");
    }

    @Test
    void elementCountNotAWholeNumberOfBlocks() throws IOException {
        int info = tensorInfo(good, "token_embd.weight");
        assertContains(error("blocks.gguf", b -> le(b).putLong(info + 4, 33)), "token_embd.weight", "Q8_0",
                "132 elements, not a multiple of its block size 32");
        assertContains(error("rows.gguf", b -> le(b).putLong(info + 4, 48)), "token_embd.weight", "Q8_0",
                "rows of 48 values, not a multiple of its block size 32");
    }

    @Test
    void tensorDataPastTheEnd() throws IOException {
        int info = tensorInfo(good, "output_norm.weight");
        String m = error("past.gguf", b -> le(b).putLong(info + 4 + 8 + 4, 1L << 20));
        assertContains(m, "tensor 'output_norm.weight'", "256 bytes at file offset", "runs past the end of the file ("
                + good.length + " bytes)");
        assertContains(error("short.gguf", Arrays.copyOf(good, good.length - 1)), "output_norm.weight", "past the end");
    }

    @Test
    void misalignedTensorOffset() throws IOException {
        int info = tensorInfo(good, "output_norm.weight");
        int offsetField = info + 4 + 8 + 4;
        long offset = le(good).getLong(offsetField);
        assertContains(error("misaligned.gguf", b -> le(b).putLong(offsetField, offset + 4)), "output_norm.weight",
                "data offset " + (offset + 4), "alignment 32");
    }

    @Test
    void duplicateTensorNames() throws IOException {
        Path twin = dir.resolve("twin.gguf");
        new GgufWriter().addTensor("a.weight", GgmlType.F32, new long[]{8}, new byte[32])
                .addTensor("b.weight", GgmlType.F32, new long[]{8}, new byte[32]).write(twin);
        byte[] b = Files.readAllBytes(twin);
        b[stringAt(b, "b.weight") + 8] = 'a';
        assertContains(error("dup.gguf", b), "tensor 'a.weight'", "appears twice");
    }

    @Test
    void alignmentMustBeAPowerOfTwo() throws IOException {
        Path odd = dir.resolve("odd.gguf");
        new GgufWriter().putUInt32(GgufFile.ALIGNMENT_KEY, 24).write(odd);
        assertContains(error("align.gguf", Files.readAllBytes(odd)), "general.alignment", "24", "power of two");
    }

    @Test
    void randomCorruptionNeverEscapesAsARawException() throws IOException {
        java.util.SplittableRandom r = new java.util.SplittableRandom(12);
        int header = good.length - (8 * 34 + 96 + 256);
        Path file = dir.resolve("fuzz.gguf");
        int failures = 0;
        for (int round = 0; round < 3000; round++) {
            byte[] b = good.clone();
            for (int k = 1 + r.nextInt(4); k > 0; k--) {
                int at = r.nextInt(header);
                b[at] = switch (r.nextInt(3)) {
                    case 0 -> (byte) r.nextInt(256);
                    case 1 -> (byte) (b[at] ^ (1 << r.nextInt(8)));
                    default -> (byte) 0xFF;
                };
            }
            if (r.nextInt(4) == 0) b = Arrays.copyOf(b, r.nextInt(b.length));
            Files.write(file, b);
            try (GgufFile f = GgufFile.open(file)) {
                for (GgufTensorInfo t : f.tensors()) f.data(t); // every accepted tensor's data is inside the file
            } catch (ModelFormatException e) {
                failures++;
                assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
            }
        }
        assertTrue(failures > 1000, "most mutations must be caught: " + failures);
    }
}
