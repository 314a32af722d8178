package dev.bitnet.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** {@code bitnet lm-head-agreement} on the shipped model: text prompts, token ids, JSON, and its one-line errors. */
class LmHeadAgreementCommandTest {
    @TempDir
    static Path dir;

    @Test
    void comparesTheHeadsOverTextPromptsAndTokenIds() throws Exception {
        String model = BenchCommandTest.shippedModel().toString();
        Path prompts = dir.resolve("prompts.txt");
        Files.writeString(prompts, "The capital of France is\n\nOnce upon a time\n");
        CliTest.Run t = CliTest.run("lm-head-agreement", "-m", model, "--backend", "cpu", "-t", "1", "--prompts",
                prompts.toString(), "-n", "4");
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().startsWith("LM head q8 against f16, teacher-forced, cpu (Vector API"), t.out());
        assertTrue(t.out().contains("2 prompts x 4 steps: same greedy token in "), t.out());
        assertTrue(t.out().lines().anyMatch(l -> l.matches("KL divergence of q8 from f16: mean [0-9.e-]+, largest [0-9.e-]+ nats; "
                + "largest logit difference [0-9.e-]+")), t.out());

        CliTest.Run j = CliTest.run("lm-head-agreement", "-m", model, "--backend", "reference", "--prompt-ids", "128000,791,6864",
                "--prompts", prompts.toString(), "-n", "3", "--json");
        assertEquals(0, j.code(), j.err());
        JsonNode o = new ObjectMapper().readTree(j.out());
        assertEquals(3, o.get("prompts").asInt(), "the ids, then the file's two lines");
        assertEquals(9, o.get("steps").asInt());
        int same = o.get("same_top_token").asInt();
        assertTrue(same >= 0 && same <= 9);
        assertEquals(same / 9.0, o.get("same_top_token_share").asDouble(), 1e-12);
        assertTrue(o.get("max_kl_divergence").asDouble() >= o.get("mean_kl_divergence").asDouble());
        assertTrue(o.get("max_logit_difference").asDouble() > 0, "int8 rows are not the f16 rows");
    }

    @Test
    void missingOrEmptyPromptsAndBadCountsAreOneLineErrors() throws Exception {
        String model = BenchCommandTest.shippedModel().toString();
        CliTest.Run none = CliTest.run("lm-head-agreement", "-m", model);
        assertEquals(1, none.code());
        assertEquals("error: give the prompts: --prompt-ids IDS or --prompts FILE", none.err().strip());
        Path blank = dir.resolve("blank.txt");
        Files.writeString(blank, "\n  \n");
        CliTest.Run empty = CliTest.run("lm-head-agreement", "-m", model, "--prompts", blank.toString());
        assertEquals(1, empty.code());
        assertEquals("error: --prompts " + blank + ": no prompt in it (one per line)", empty.err().strip());
        CliTest.Run missing = CliTest.run("lm-head-agreement", "-m", model, "--prompts", dir.resolve("none.txt").toString());
        assertEquals(1, missing.code());
        assertEquals("error: --prompts " + dir.resolve("none.txt") + ": no such file", missing.err().strip());
        CliTest.Run badId = CliTest.run("lm-head-agreement", "-m", model, "--prompt-ids", "1,999999", "-n", "2");
        assertEquals(1, badId.code(), badId.err());
        assertEquals("error: token id 999999 is outside the vocabulary (0..128255)", badId.err().strip().lines().reduce((a, b) -> b).orElseThrow());
        CliTest.Run zero = CliTest.run("lm-head-agreement", "-m", model, "--prompt-ids", "1", "-n", "0");
        assertEquals(1, zero.code());
        assertEquals("error: -n must be >= 1, not 0", zero.err().strip());
        CliTest.Run tooLong = CliTest.run("lm-head-agreement", "-m", model, "--prompt-ids", "1", "-n", "100000");
        assertEquals(1, tooLong.code());
        assertTrue(tooLong.err().contains("error: the longest prompt plus 100000 steps is 100001 positions, more than the model's context"),
                tooLong.err());
    }
}
