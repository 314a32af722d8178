package dev.bitnet.gguf;

import dev.bitnet.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The files written by other engines (shared/reference-models) open and carry the shapes their README states; the
 * shipped Llama 3 model's large arrays (128,256 tokens, 280,147 merges) parse quickly.
 */
class ReferenceFilesMetadataTest {
    @ParameterizedTest
    @ValueSource(strings = {"bitnet-tiny-i2_s.gguf", "bitnet-tiny-tq2_0-block.gguf"})
    void shapesMatchTheReadme(String name) {
        try (GgufFile f = GgufFile.open(SharedData.referenceModel(name))) {
            assertEquals("bitnet", f.getString("general.architecture"));
            assertEquals(256, f.getInt("bitnet.embedding_length"));
            assertEquals(4, f.getInt("bitnet.block_count"));
            assertEquals(8, f.getInt("bitnet.attention.head_count"));
            assertEquals(2, f.getInt("bitnet.attention.head_count_kv"));
            assertEquals(512, f.getInt("bitnet.feed_forward_length"));
            assertEquals(500000f, f.getFloat("bitnet.rope.freq_base"));
            assertEquals(1e-5f, f.getFloat("bitnet.attention.layer_norm_rms_epsilon"));
            List<String> tokens = f.getStringArray("tokenizer.ggml.tokens");
            assertEquals(512, tokens.size());
            assertEquals(56, f.getStringArray("tokenizer.ggml.merges").size());
            assertEquals(504, f.getInt("tokenizer.ggml.bos_token_id"));
            assertEquals(505, f.getInt("tokenizer.ggml.eos_token_id"));
            GgmlType weights = name.contains("i2_s") ? GgmlType.I2_S : GgmlType.TQ2_0;
            assertEquals(GgmlType.F16, f.tensor("token_embd.weight").type());
            assertArrayEquals(new long[]{256, 512}, f.tensor("token_embd.weight").dims());
            for (int l = 0; l < 4; l++) {
                String p = "blk." + l + ".";
                assertArrayEquals(new long[]{256, 256}, f.tensor(p + "attn_q.weight").dims());
                assertArrayEquals(new long[]{256, 64}, f.tensor(p + "attn_k.weight").dims());
                assertArrayEquals(new long[]{256, 64}, f.tensor(p + "attn_v.weight").dims());
                assertArrayEquals(new long[]{256, 256}, f.tensor(p + "attn_output.weight").dims());
                assertArrayEquals(new long[]{256, 512}, f.tensor(p + "ffn_gate.weight").dims());
                assertArrayEquals(new long[]{256, 512}, f.tensor(p + "ffn_up.weight").dims());
                assertArrayEquals(new long[]{512, 256}, f.tensor(p + "ffn_down.weight").dims());
                for (String w : new String[]{"attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down"}) {
                    assertEquals(weights, f.tensor(p + w + ".weight").type(), p + w);
                }
                assertArrayEquals(new long[]{256}, f.tensor(p + "attn_sub_norm.weight").dims());
                assertArrayEquals(new long[]{512}, f.tensor(p + "ffn_sub_norm.weight").dims());
            }
        }
    }

    @Test
    void largeArraysParseQuickly() {
        Path shipped = Path.of(System.getProperty("bitnet.root.dir", "../..")).resolve("test-models/bitnet-tiny-llama3-i2_s.gguf");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(shipped));
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            try (GgufFile f = GgufFile.open(shipped)) {
                assertEquals(128256, f.getStringArray("tokenizer.ggml.tokens").size());
                assertEquals(280147, f.getStringArray("tokenizer.ggml.merges").size());
                assertEquals(128256, f.getFloatArray("tokenizer.ggml.scores").length);
                assertEquals(3, f.getIntArray("tokenizer.ggml.token_type")[128000]);
                assertEquals("<|begin_of_text|>", f.getStringArray("tokenizer.ggml.tokens").get(128000));
            }
            best = Math.min(best, System.nanoTime() - t0);
        }
        // well under a second on a warm JVM; the bound is loose so that a slow CI machine does not fail it
        assertTrue(best < 3_000_000_000L, "opening took " + best / 1_000_000 + " ms");
        System.out.println("open() with 128,256 tokens and 280,147 merges: " + best / 1_000_000 + " ms");
    }
}
