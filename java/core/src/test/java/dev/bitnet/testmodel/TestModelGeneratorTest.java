package dev.bitnet.testmodel;

import dev.bitnet.gguf.GgmlType;
import dev.bitnet.gguf.GgufFile;
import dev.bitnet.gguf.GgufTensorInfo;
import dev.bitnet.quant.EmbeddingDecoder;
import dev.bitnet.quant.F16Matrix;
import dev.bitnet.quant.TernaryDecoder;
import dev.bitnet.quant.TernaryMatrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** The random test-model generator: format-independent weights, the official keys and tensor names, a valid vocabulary. */
class TestModelGeneratorTest {
    private static final String[] LINEAR = {"attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down"};
    private static final String[] NORMS = {"attn_norm", "attn_sub_norm", "ffn_norm", "ffn_sub_norm"};

    @TempDir
    Path dir;

    private Path write(TestModelSpec spec, String name) {
        Path file = dir.resolve(name);
        TestModelGenerator.write(spec, file);
        return file;
    }

    /** Every linear tensor decoded, with the separate .scale tensor applied when there is one. */
    private static Map<String, TernaryMatrix> linears(GgufFile f) {
        Map<String, TernaryMatrix> out = new LinkedHashMap<>();
        for (GgufTensorInfo t : f.tensors()) {
            if (!t.type().isTernary()) continue;
            float external = f.findTensor(t.name().replace(".weight", ".scale"))
                    .map(s -> f.data(s).get(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0))
                    .orElse(Float.NaN);
            out.put(t.name(), TernaryDecoder.decode(f, t, external));
        }
        return out;
    }

    @Test
    void theSameSeedGivesTheSameWeightsInEveryTernaryLayout() {
        TestModelSpec base = TestModelSpec.tiny(GgmlType.I2_S).withSeed(7);
        List<TestModelSpec> variants = List.of(base, base.withWeightType(GgmlType.TQ2_0), base.withWeightType(GgmlType.TQ1_0),
                base.withWeightType(GgmlType.TQ2_0).withSeparateScales(true),
                base.withWeightType(GgmlType.TQ1_0).withSeparateScales(true));
        Map<String, TernaryMatrix> reference = null;
        int i = 0;
        for (TestModelSpec spec : variants) {
            try (GgufFile f = GgufFile.open(write(spec, "v" + i++ + ".gguf"))) {
                Map<String, TernaryMatrix> m = linears(f);
                assertEquals(2 * LINEAR.length, m.size());
                if (spec.separateScales()) {
                    for (String name : m.keySet()) {
                        assertEquals(1f, TernaryDecoder.decode(f, f.tensor(name), Float.NaN).scale(), "d = 1 in " + name);
                    }
                }
                if (reference == null) {
                    reference = m;
                    continue;
                }
                for (var e : reference.entrySet()) {
                    TernaryMatrix other = m.get(e.getKey());
                    String what = spec.weightType() + (spec.separateScales() ? " separate" : "") + " " + e.getKey();
                    assertEquals(e.getValue().rows(), other.rows(), what);
                    assertEquals(e.getValue().cols(), other.cols(), what);
                    assertArrayEquals(e.getValue().trits(), other.trits(), what);
                    assertEquals(e.getValue().scale(), other.scale(), what);
                }
            }
        }
        for (TernaryMatrix m : reference.values()) {
            assertTrue(m.scale() >= 0.5f && m.scale() <= 2f, m.name() + " scale " + m.scale());
            assertEquals(m.scale(), Float.float16ToFloat(Float.floatToFloat16(m.scale())), "scale must be f16-exact");
            int[] counts = new int[3];
            for (byte t : m.trits()) counts[t + 1]++;
            for (int c : counts) assertEquals(m.trits().length / 3.0, c, m.trits().length * 0.03, m.name() + " trit balance");
        }
    }

    @Test
    void otherSeedsGiveOtherWeightsAndTensorsAreIndependent() {
        try (GgufFile a = GgufFile.open(write(TestModelSpec.tiny(GgmlType.I2_S), "a.gguf"));
             GgufFile b = GgufFile.open(write(TestModelSpec.tiny(GgmlType.I2_S).withSeed(2), "b.gguf"));
             GgufFile one = GgufFile.open(write(TestModelSpec.tiny(GgmlType.I2_S).withLayers(1), "one.gguf"))) {
            GgufTensorInfo q = a.tensor("blk.0.attn_q.weight");
            assertFalse(java.util.Arrays.equals(TernaryDecoder.decode(a, q, Float.NaN).trits(),
                    TernaryDecoder.decode(b, b.tensor(q.name()), Float.NaN).trits()));
            // the one-layer model's layer 0 is the two-layer model's layer 0: each tensor has its own random stream
            assertArrayEquals(TernaryDecoder.decode(a, q, Float.NaN).trits(),
                    TernaryDecoder.decode(one, one.tensor(q.name()), Float.NaN).trits());
            assertArrayEquals(EmbeddingDecoder.toF32Vector(a, a.tensor("blk.0.ffn_norm.weight")),
                    EmbeddingDecoder.toF32Vector(one, one.tensor("blk.0.ffn_norm.weight")));
        }
    }

    @Test
    void officialKeysAndTensorNames() {
        TestModelSpec spec = TestModelSpec.tiny(GgmlType.I2_S);
        try (GgufFile f = GgufFile.open(write(spec, "tiny.gguf"))) {
            String a = "bitnet-b1.58.";
            Set<String> expectedKeys = Set.of("general.architecture", "general.name", "general.file_type",
                    "general.quantization_version", a + "vocab_size", a + "context_length", a + "embedding_length",
                    a + "block_count", a + "feed_forward_length", a + "rope.dimension_count", a + "attention.head_count",
                    a + "attention.head_count_kv", a + "attention.layer_norm_rms_epsilon", a + "rope.freq_base",
                    "tokenizer.ggml.model", "tokenizer.ggml.tokens", "tokenizer.ggml.scores", "tokenizer.ggml.token_type",
                    "tokenizer.ggml.merges", "tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id",
                    "tokenizer.ggml.padding_token_id", "tokenizer.ggml.add_bos_token", "tokenizer.chat_template");
            assertEquals(expectedKeys, f.keys());
            assertEquals("bitnet-b1.58", f.getString("general.architecture"));
            assertEquals(40, f.getInt("general.file_type"));
            assertEquals(2, f.getInt("general.quantization_version"));
            assertEquals(256, f.getInt(a + "embedding_length"));
            assertEquals(2, f.getInt(a + "block_count"));
            assertEquals(8, f.getInt(a + "attention.head_count"));
            assertEquals(2, f.getInt(a + "attention.head_count_kv"));
            assertEquals(512, f.getInt(a + "feed_forward_length"));
            assertEquals(32, f.getInt(a + "rope.dimension_count"));
            assertEquals(256, f.getInt(a + "context_length"));
            assertEquals(512, f.getInt(a + "vocab_size"));
            assertEquals(1e-5f, f.getFloat(a + "attention.layer_norm_rms_epsilon"));
            assertEquals(500000f, f.getFloat(a + "rope.freq_base"));
            assertEquals("gpt2", f.getString("tokenizer.ggml.model"));
            assertTrue(f.getBoolean("tokenizer.ggml.add_bos_token"));
            assertTrue(f.getString("tokenizer.chat_template").contains("<|eot_id|>"));

            List<String> expectedTensors = new ArrayList<>(List.of("token_embd.weight", "output_norm.weight"));
            for (int l = 0; l < 2; l++) {
                for (String n : NORMS) expectedTensors.add("blk." + l + "." + n + ".weight");
                for (String n : LINEAR) expectedTensors.add("blk." + l + "." + n + ".weight");
            }
            assertEquals(new HashSet<>(expectedTensors), new HashSet<>(f.tensors().stream().map(GgufTensorInfo::name).toList()));
            assertArrayEquals(new long[]{256, 512}, f.tensor("token_embd.weight").dims());
            assertEquals(GgmlType.F16, f.tensor("token_embd.weight").type());
            assertArrayEquals(new long[]{256, 64}, f.tensor("blk.1.attn_k.weight").dims());
            assertArrayEquals(new long[]{512, 256}, f.tensor("blk.1.ffn_down.weight").dims());
            assertArrayEquals(new long[]{256, 512}, f.tensor("blk.1.ffn_up.weight").dims());
            assertArrayEquals(new long[]{512}, f.tensor("blk.0.ffn_sub_norm.weight").dims());
            for (GgufTensorInfo t : f.tensors()) {
                if (t.name().contains("norm")) {
                    assertEquals(GgmlType.F32, t.type());
                    float[] w = EmbeddingDecoder.toF32Vector(f, t);
                    double mean = 0;
                    for (float x : w) mean += x / w.length;
                    assertEquals(1.0, mean, 0.05, t.name());
                } else if (!t.name().startsWith("token_embd")) {
                    assertEquals(GgmlType.I2_S, t.type(), t.name());
                }
            }
        }
        try (GgufFile f = GgufFile.open(write(TestModelSpec.tiny(GgmlType.TQ2_0).withSeparateScales(true), "sep.gguf"))) {
            assertEquals("bitnet", f.getString("general.architecture"));
            assertArrayEquals(new long[]{1}, f.tensor("blk.0.attn_q.scale").dims());
            assertEquals(2 + 2 * (NORMS.length + 2 * LINEAR.length), f.tensors().size());
        }
    }

    /** GPT-2's bytes_to_unicode, transcribed: printable ranges map to themselves, the rest to 256, 257, ... in order. */
    private static String[] bytesToUnicode() {
        List<Integer> bs = new ArrayList<>();
        for (int b = '!'; b <= '~'; b++) bs.add(b);
        for (int b = 0xA1; b <= 0xAC; b++) bs.add(b);
        for (int b = 0xAE; b <= 0xFF; b++) bs.add(b);
        String[] out = new String[256];
        int n = 0;
        for (int b = 0; b < 256; b++) {
            if (bs.contains(b)) out[b] = String.valueOf((char) b);
            else out[b] = String.valueOf((char) (256 + n++));
        }
        return out;
    }

    @Test
    void syntheticVocabularyIsAValidByteLevelBpe() {
        for (int size : new int[]{300, 512, 128256}) {
            TestModelSpec spec = TestModelSpec.tiny(GgmlType.I2_S).withVocab(VocabSource.synthetic(), size).withLayers(1)
                    .withDims(64, 2, 1, 128);
            try (GgufFile f = GgufFile.open(write(spec, "vocab" + size + ".gguf"))) {
                List<String> tokens = f.getStringArray("tokenizer.ggml.tokens");
                assertEquals(size, tokens.size());
                assertEquals(size, new HashSet<>(tokens).size(), "tokens must be distinct");
                String[] bytes = bytesToUnicode();
                for (int b = 0; b < 256; b++) assertEquals(bytes[b], tokens.get(b), "byte token " + b);
                Set<String> vocab = new HashSet<>(tokens);
                List<String> merges = f.getStringArray("tokenizer.ggml.merges");
                assertFalse(merges.isEmpty());
                for (String m : merges) {
                    String[] parts = m.split(" ");
                    assertEquals(2, parts.length, m);
                    assertTrue(vocab.contains(parts[0]) && vocab.contains(parts[1]) && vocab.contains(parts[0] + parts[1]), m);
                }
                int bos = f.getInt("tokenizer.ggml.bos_token_id"), eos = f.getInt("tokenizer.ggml.eos_token_id");
                assertEquals("<|begin_of_text|>", tokens.get(bos));
                assertEquals("<|end_of_text|>", tokens.get(eos));
                assertEquals("<|eot_id|>", tokens.get(size - 1));
                assertEquals(eos, f.getInt("tokenizer.ggml.padding_token_id"));
                int[] types = f.getIntArray("tokenizer.ggml.token_type");
                for (int i = 0; i < size; i++) assertEquals(i >= bos ? 3 : 1, types[i], "token type " + i);
                assertEquals(size, f.getFloatArray("tokenizer.ggml.scores").length);
            }
        }
    }

    @Test
    void embeddingInEveryFloatTypeHoldsTheSameValues() {
        TestModelSpec spec = TestModelSpec.tiny(GgmlType.I2_S).withLayers(1);
        try (GgufFile f16 = GgufFile.open(write(spec, "f16.gguf"))) {
            F16Matrix ref = EmbeddingDecoder.toF16(f16, f16.tensor("token_embd.weight"));
            for (GgmlType t : new GgmlType[]{GgmlType.F32, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q6_K}) {
                try (GgufFile f = GgufFile.open(write(spec.withEmbeddingType(t), t + ".gguf"))) {
                    assertEquals(t, f.tensor("token_embd.weight").type());
                    F16Matrix m = EmbeddingDecoder.toF16(f, f.tensor("token_embd.weight"));
                    double err = 0, norm = 0;
                    for (int r = 0; r < m.rows(); r++) {
                        for (int c = 0; c < m.cols(); c++) {
                            err += Math.pow(m.get(r, c) - ref.get(r, c), 2);
                            norm += Math.pow(ref.get(r, c), 2);
                        }
                    }
                    assertTrue(Math.sqrt(err / norm) < 0.05, t + " relative error " + Math.sqrt(err / norm));
                    assertEquals(0.25, norm / (m.rows() * m.cols()), 0.01, "embedding variance");
                }
            }
        }
    }

    @Test
    void presets() {
        TestModelSpec big = TestModelSpec.b2b4t(GgmlType.I2_S);
        assertEquals(List.of(2560, 30, 20, 5, 6912, 128256, 4096),
                List.of(big.dim(), big.layers(), big.heads(), big.kvHeads(), big.ffnDim(), big.vocabSize(), big.contextLength()));
        assertEquals("bitnet-b1.58", big.architecture());
        assertEquals(GgmlType.F16, big.embeddingType());
        assertEquals("bitnet", TestModelSpec.b2b4t(GgmlType.TQ1_0).architecture());
        assertEquals(128, big.headDim());
        assertEquals(128256, TestModelSpec.tiny(GgmlType.I2_S).withVocab(VocabSource.llama3(Path.of("x"))).vocabSize());
        assertEquals(512, TestModelSpec.tiny(GgmlType.I2_S).withVocab(VocabSource.synthetic()).vocabSize());
        assertThrows(IllegalArgumentException.class,
                () -> TestModelGenerator.write(TestModelSpec.tiny(GgmlType.I2_S).withSeparateScales(true), dir.resolve("x.gguf")));
    }
}
