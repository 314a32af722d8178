package dev.bitnet.api;

import dev.bitnet.gguf.GgmlType;
import dev.bitnet.sampling.SamplingParams;
import dev.bitnet.testmodel.TestModelGenerator;
import dev.bitnet.testmodel.TestModelSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.*;

/** The public API end to end on a tiny generated model and the reference backend. */
class SessionTest {
    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void writeModel() {
        model = dir.resolve("tiny.gguf");
        TestModelGenerator.write(TestModelSpec.tiny(GgmlType.I2_S).withSeed(11), model);
    }

    private static BitNetModel load(int ctx) {
        return BitNet.load(model, LoadOptions.defaults().withBackend("reference").withContextLength(ctx).withPrefillChunk(8));
    }

    @Test
    void continuingASessionEqualsFeedingEverythingAtOnce() {
        try (BitNetModel m = load(128); Session a = m.newSession(); Session b = m.newSession()) {
            int[] p1 = {5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
            int[] p2 = {20, 21, 22};
            GenerationResult r1 = a.generate(p1, GenerationParams.greedy(5), TokenListener.NONE);
            GenerationResult r2 = a.generate(p2, GenerationParams.greedy(6), TokenListener.NONE);
            // b sees the same tokens in one prompt: p1, the 5 generated (the last is fed by the next call), p2
            int[] all = IntStream.concat(IntStream.concat(Arrays.stream(p1), Arrays.stream(r1.ids())), Arrays.stream(p2)).toArray();
            GenerationResult whole = b.generate(all, GenerationParams.greedy(6), TokenListener.NONE);
            assertArrayEquals(whole.ids(), r2.ids());
            assertEquals(b.position(), a.position());
        }
    }

    @Test
    void streamedTextEqualsTheResultText() {
        try (BitNetModel m = load(128); Session s = m.newSession()) {
            StringBuilder streamed = new StringBuilder();
            List<Integer> ids = new ArrayList<>();
            GenerationResult r = s.generate("hello world", new GenerationParams(20, SamplingParams.defaults(3), List.of()),
                    (id, text) -> {
                        if (id >= 0) ids.add(id);
                        streamed.append(text);
                    });
            assertEquals(r.text(), streamed.toString());
            assertArrayEquals(r.ids(), ids.stream().mapToInt(i -> i).toArray());
            assertEquals(r.text(), m.tokenizer().decode(r.ids()));
        }
    }

    @Test
    void sameSeedSameTokensOtherSeedOtherTokens() {
        try (BitNetModel m = load(128)) {
            int[] a = sample(m, 1), b = sample(m, 1), c = sample(m, 2);
            assertArrayEquals(a, b);
            assertFalse(Arrays.equals(a, c), "two seeds gave the same 24 tokens");
        }
    }

    private static int[] sample(BitNetModel m, long seed) {
        try (Session s = m.newSession()) {
            var params = new GenerationParams(24, new SamplingParams(1.5f, 0, 1f, 0f, 1f, 64, seed), List.of());
            return s.generate(new int[]{1, 2, 3}, params, TokenListener.NONE).ids();
        }
    }

    @Test
    void promptLongerThanTheContextIsRefusedAndTheSessionKeepsWorking() {
        try (BitNetModel m = load(32); Session s = m.newSession()) {
            BitNetException e = assertThrows(BitNetException.class,
                    () -> s.generate(new int[40], GenerationParams.greedy(1), TokenListener.NONE));
            assertTrue(e.getMessage().contains("does not fit in the context"), e.getMessage());
            assertEquals(0, s.position());
            GenerationResult r = s.generate(new int[]{1, 2, 3}, GenerationParams.greedy(100), TokenListener.NONE);
            assertEquals(StopReason.CONTEXT_FULL, r.stopReason());
            assertEquals(32, s.position());
        }
    }

    @Test
    void maxTokensAndStopStrings() {
        try (BitNetModel m = load(128); Session s = m.newSession()) {
            GenerationResult r = s.generate(new int[]{1, 2, 3}, GenerationParams.greedy(7), TokenListener.NONE);
            assertEquals(StopReason.MAX_TOKENS, r.stopReason());
            assertEquals(7, r.ids().length);
            String full = r.text();
            if (full.length() >= 2) {
                String stop = full.substring(full.length() / 2, full.length() / 2 + 1);
                try (Session t = m.newSession()) {
                    GenerationResult cut = t.generate(new int[]{1, 2, 3},
                            new GenerationParams(7, SamplingParams.greedy(), List.of(stop)), TokenListener.NONE);
                    assertEquals(StopReason.STOP_STRING, cut.stopReason());
                    assertEquals(full.substring(0, full.indexOf(stop)), cut.text());
                }
            }
        }
    }

    @Test
    void badTokenIdsAreRefused() {
        try (BitNetModel m = load(64); Session s = m.newSession()) {
            assertThrows(BitNetException.class, () -> s.generate(new int[]{1, 1 << 20}, GenerationParams.greedy(1), TokenListener.NONE));
            assertThrows(BitNetException.class, () -> s.generate(new int[0], GenerationParams.greedy(1), TokenListener.NONE));
        }
    }
}
