package dev.bitnet.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bitnet.testing.SharedData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The Llama 3 tokenizer against the reference encodings of an independent implementation (shared/llama3-tokenizer). */
class Llama3TokenizerTest {
    static Llama3Tokenizer tokenizer;
    static List<JsonNode> cases;

    @BeforeAll
    static void load() throws IOException {
        Path dir = SharedData.dir().resolve("llama3-tokenizer");
        ObjectMapper json = new ObjectMapper();
        List<String> vocab = Arrays.asList(json.readValue(dir.resolve("vocab.json").toFile(), String[].class));
        List<String> merges = Files.readAllLines(dir.resolve("merges.txt"));
        tokenizer = new Llama3Tokenizer(vocab, merges, null, 128000, 128001);
        cases = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("encode_cases.jsonl"))) {
            if (!line.isBlank()) cases.add(json.readTree(line));
        }
    }

    @Test
    void everyReferenceCaseEncodesExactly() {
        List<String> failures = new ArrayList<>();
        for (JsonNode c : cases) {
            String text = c.get("text").asText();
            int[] expected = new int[c.get("ids").size()];
            for (int i = 0; i < expected.length; i++) expected[i] = c.get("ids").get(i).asInt();
            int[] got = tokenizer.encode(text, false);
            if (!Arrays.equals(expected, got)) {
                failures.add(text + "\n  expected " + Arrays.toString(expected) + "\n  got      " + Arrays.toString(got));
            }
        }
        assertTrue(cases.size() > 50);
        assertEquals(List.of(), failures);
    }

    @Test
    void decodeInvertsEncode() {
        List<String> texts = new ArrayList<>();
        for (JsonNode c : cases) texts.add(c.get("text").asText());
        texts.addAll(List.of("emoji 👍🏽 and 🇫🇷 flags", "tabs\t\t\tand \u000b\f controls \u0000", "   \n\n  \r\n x",
                "mixed: Ελληνικά, العربية, हिन्दी, 日本語のテキスト", "<|eot_id|>inside<|begin_of_text|>"));
        for (String t : texts) assertEquals(t, tokenizer.decode(tokenizer.encode(t, false)), t);
    }

    @Test
    void specialTokensAndBos() {
        int[] ids = tokenizer.encode("Hi<|eot_id|>", true);
        assertEquals(128000, ids[0]);
        assertEquals(128009, ids[ids.length - 1]);
        assertEquals(128009, tokenizer.specialTokenId("<|eot_id|>").orElseThrow());
        assertTrue(tokenizer.isSpecial(128009));
        assertFalse(tokenizer.isSpecial(9906));
        // the reference generator's reply prompt (facts file, section 3)
        assertArrayEquals(new int[]{72803, 25, 220}, tokenizer.encode("Assistant: ", false));
    }

    @Test
    void streamingNeverSplitsACharacter() {
        for (String text : List.of("你好，世界。今天天气很好。", "emoji 👍🏽 🇫🇷 ok", "naïve café", "Привет, мир!")) {
            StreamingDecoder d = tokenizer.streamingDecoder();
            StringBuilder sb = new StringBuilder();
            for (int id : tokenizer.encode(text, false)) {
                String part = d.push(id);
                assertFalse(part.contains("\uFFFD"), "replacement character mid-stream for " + text);
                sb.append(part);
            }
            sb.append(d.flush());
            assertEquals(text, sb.toString());
        }
    }

    @Test
    void piecesAreReadable() {
        int world = tokenizer.encode(" world", false)[0];
        assertEquals(" world", tokenizer.piece(world));
    }
}
