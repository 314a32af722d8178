package dev.bitnet.scheduler;

import dev.bitnet.api.BitNet;
import dev.bitnet.api.BitNetException;
import dev.bitnet.api.BitNetModel;
import dev.bitnet.api.GenerationParams;
import dev.bitnet.api.GenerationResult;
import dev.bitnet.api.LoadOptions;
import dev.bitnet.api.Session;
import dev.bitnet.api.StopReason;
import dev.bitnet.api.TokenListener;
import dev.bitnet.gguf.GgmlType;
import dev.bitnet.sampling.SamplingParams;
import dev.bitnet.testmodel.TestModelGenerator;
import dev.bitnet.testmodel.TestModelSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.*;

/** Continuous batching on a tiny generated model and the reference backend, checked against sessions run alone. */
class SchedulerTest {
    private static final int CTX = 128;

    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void writeModel() {
        model = dir.resolve("tiny.gguf");
        TestModelGenerator.write(TestModelSpec.tiny(GgmlType.I2_S).withSeed(11), model);
    }

    /** Three places, steps of at most 8 tokens: prompts span several steps and requests queue. */
    private static BitNetModel load() {
        return BitNet.load(model, LoadOptions.defaults().withBackend("reference").withContextLength(CTX)
                .withPrefillChunk(8).withMaxSequences(3));
    }

    private static int[] prompt(int length, int salt) {
        return IntStream.range(0, length).map(i -> 1 + (i * 7 + salt * 13) % 200).toArray();
    }

    private static GenerationResult alone(BitNetModel m, int[] prompt, GenerationParams p) {
        try (Session s = m.newSession()) {
            return s.generate(prompt, p, TokenListener.NONE);
        }
    }

    private static GenerationResult await(Generation g) throws Exception {
        return g.result().get(60, TimeUnit.SECONDS);
    }

    @Test
    void concurrentRequestsGetWhatEachGetsAlone() throws Exception {
        List<int[]> prompts = List.of(prompt(3, 1), prompt(20, 2), prompt(9, 3), prompt(1, 4), prompt(33, 5), prompt(8, 6));
        List<GenerationParams> params = List.of(
                GenerationParams.greedy(12),
                new GenerationParams(15, new SamplingParams(1.5f, 0, 1f, 0f, 1f, 64, 7), List.of()),
                new GenerationParams(10, new SamplingParams(0.9f, 20, 0.9f, 0.05f, 1.3f, 16, 3), List.of()),
                new GenerationParams(20, SamplingParams.greedy(), List.of("e", "a")),
                new GenerationParams(9, new SamplingParams(0f, 0, 1f, 0f, 1.2f, 8, 0), List.of()),
                GenerationParams.greedy(25));
        try (BitNetModel m = load(); Scheduler scheduler = new Scheduler(m)) {
            int free = m.freeKvBlocks();
            List<Generation> running = new ArrayList<>();
            List<StringBuilder> streamed = new ArrayList<>();
            for (int i = 0; i < prompts.size(); i++) {
                StringBuilder text = new StringBuilder();
                streamed.add(text);
                running.add(scheduler.submit(prompts.get(i), params.get(i), (id, piece) -> text.append(piece)));
            }
            for (int i = 0; i < prompts.size(); i++) {
                GenerationResult batched = await(running.get(i));
                GenerationResult single = alone(m, prompts.get(i), params.get(i));
                assertArrayEquals(single.ids(), batched.ids(), "request " + i);
                assertEquals(single.text(), batched.text(), "request " + i);
                assertEquals(single.stopReason(), batched.stopReason(), "request " + i);
                assertEquals(batched.text(), streamed.get(i).toString(), "request " + i + " streamed");
            }
            assertEquals(free, m.freeKvBlocks(), "every block given back");
            assertEquals(0, scheduler.runningCount());
        }
    }

    @Test
    void aSharedPrefixIsComputedOnceAndGivesTheSameTokens() throws Exception {
        try (BitNetModel m = load(); Scheduler scheduler = new Scheduler(m)) {
            int[] first = prompt(40, 3);
            int[] second = IntStream.concat(IntStream.of(java.util.Arrays.copyOf(first, 35)), IntStream.of(7, 8, 9)).toArray();
            var p = GenerationParams.greedy(10);
            GenerationResult a = await(scheduler.submit(first, p, TokenListener.NONE));
            assertEquals(0, scheduler.stats().cachedPromptTokens());
            GenerationResult b = await(scheduler.submit(second, p, TokenListener.NONE));
            assertEquals(32, scheduler.stats().cachedPromptTokens(), "two full blocks of 16 in common");
            assertArrayEquals(alone(m, first, p).ids(), a.ids());
            assertArrayEquals(alone(m, second, p).ids(), b.ids());

            // the next chat turn: the whole last exchange (prompt and reply but its last token) is in the cache
            int[] turn = IntStream.concat(IntStream.concat(IntStream.of(first), IntStream.of(a.ids())), IntStream.of(11, 12, 13)).toArray();
            long before = scheduler.stats().cachedPromptTokens();
            GenerationResult c = await(scheduler.submit(turn, p, TokenListener.NONE));
            assertEquals((first.length + a.ids().length - 1) / 16 * 16, scheduler.stats().cachedPromptTokens() - before);
            assertArrayEquals(alone(m, turn, p).ids(), c.ids());
            assertEquals(scheduler.stats().promptTokens(), first.length + second.length + turn.length);
        }
    }

    @Test
    void evictedBlocksAreComputedAgain() throws Exception {
        // one place of 64 tokens: 4 blocks in all, so a long second prompt takes the first one's cached blocks back
        try (BitNetModel m = BitNet.load(model, LoadOptions.defaults().withBackend("reference").withContextLength(64)
                .withPrefillChunk(8).withMaxSequences(1)); Scheduler scheduler = new Scheduler(m)) {
            var p = GenerationParams.greedy(3);
            int[] a = prompt(40, 1), b = prompt(60, 2);
            await(scheduler.submit(a, p, TokenListener.NONE));
            await(scheduler.submit(b, p, TokenListener.NONE));
            GenerationResult again = await(scheduler.submit(a, p, TokenListener.NONE));
            assertEquals(0, scheduler.stats().cachedPromptTokens(), "nothing of the first prompt was left");
            assertArrayEquals(alone(m, a, p).ids(), again.ids());
            GenerationResult bAgain = await(scheduler.submit(b, p, TokenListener.NONE));
            assertTrue(scheduler.stats().cachedPromptTokens() < 48, "blocks of b were taken back by a");
            assertArrayEquals(alone(m, b, p).ids(), bAgain.ids());
        }
    }

    @Test
    void withoutPrefixCachingEveryPromptIsComputed() throws Exception {
        try (BitNetModel m = load(); Scheduler scheduler = new Scheduler(m, false)) {
            int[] p = prompt(40, 3);
            await(scheduler.submit(p, GenerationParams.greedy(2), TokenListener.NONE));
            GenerationResult again = await(scheduler.submit(p, GenerationParams.greedy(2), TokenListener.NONE));
            assertEquals(0, scheduler.stats().cachedPromptTokens());
            assertArrayEquals(alone(m, p, GenerationParams.greedy(2)).ids(), again.ids());
        }
    }

    @Test
    void logprobsAreTheOnesASessionReports() throws Exception {
        try (BitNetModel m = load(); Scheduler scheduler = new Scheduler(m)) {
            var greedy = new GenerationParams(6, SamplingParams.greedy(), List.of(), 3);
            var sampled = new GenerationParams(6, new SamplingParams(1.2f, 0, 1f, 0f, 1.3f, 8, 5), List.of(), 0);
            List<dev.bitnet.sampling.TokenLogprob> streamed = new ArrayList<>();
            Generation a = scheduler.submit(prompt(9, 1), greedy, new TokenListener() {
                @Override
                public void onToken(int id, String text) {
                }

                @Override
                public void onLogprob(dev.bitnet.sampling.TokenLogprob logprob) {
                    streamed.add(logprob);
                }
            });
            Generation b = scheduler.submit(prompt(12, 2), sampled, TokenListener.NONE);
            GenerationResult ra = await(a), rb = await(b);
            assertEquals(streamed, ra.logprobs());
            for (var pair : List.of(List.of(ra, alone(m, prompt(9, 1), greedy)), List.of(rb, alone(m, prompt(12, 2), sampled)))) {
                GenerationResult batched = pair.get(0), single = pair.get(1);
                assertEquals(batched.ids().length, batched.logprobs().size());
                assertEquals(single.logprobs().size(), batched.logprobs().size());
                for (int k = 0; k < batched.ids().length; k++) {
                    var x = batched.logprobs().get(k);
                    var y = single.logprobs().get(k);
                    assertEquals(batched.ids()[k], x.id());
                    assertEquals(y.logprob(), x.logprob());
                    assertArrayEquals(y.topIds(), x.topIds());
                    assertArrayEquals(y.topLogprobs(), x.topLogprobs());
                }
            }
            for (int k = 0; k < ra.ids().length; k++) assertEquals(ra.ids()[k], ra.logprobs().get(k).topIds()[0], "greedy: the top one");
            assertTrue(ra.logprobs().stream().allMatch(lp -> lp.logprob() <= 0 && lp.topIds().length == 3));
            assertTrue(rb.logprobs().stream().allMatch(lp -> lp.topIds().length == 0));
        }
    }

    @Test
    void promptLogprobsAreTheLogSoftmaxOfEachPromptPosition() throws Exception {
        int[] p = prompt(20, 4);
        double[] expected; // independently: one step over the whole prompt with every row's logits
        try (BitNetModel whole = BitNet.load(model, LoadOptions.defaults().withBackend("reference").withContextLength(CTX).withPrefillChunk(32))) {
            expected = dev.bitnet.testing.PromptLogprobs.expected(whole, p, 32);
        }
        try (BitNetModel m = load(); Scheduler scheduler = new Scheduler(m)) { // chunks of 8: three steps score the prompt
            Generation scoredOnly = scheduler.submit(p, new GenerationParams(0, SamplingParams.greedy(), List.of(), 2), TokenListener.NONE, true);
            Generation scoredAndGenerated = scheduler.submit(p, new GenerationParams(6, SamplingParams.greedy(), List.of(), 0), TokenListener.NONE, true);
            GenerationResult r = await(scoredOnly), g = await(scoredAndGenerated);
            assertEquals(0, r.ids().length);
            for (Generation x : List.of(scoredOnly, scoredAndGenerated)) {
                var scores = x.promptLogprobs();
                assertEquals(p.length - 1, scores.size());
                for (int i = 0; i < scores.size(); i++) {
                    assertEquals(p[i + 1], scores.get(i).id());
                    assertEquals(expected[i], scores.get(i).logprob(), 1e-4, "prompt token " + (i + 1));
                }
            }
            assertEquals(2, scoredOnly.promptLogprobs().getFirst().topIds().length);
            assertArrayEquals(alone(m, p, GenerationParams.greedy(6)).ids(), g.ids(), "scoring the prompt changes nothing after it");
            assertTrue(scheduler.submit(p, GenerationParams.greedy(2), TokenListener.NONE).result().get().ids().length > 0);
        }
    }

    @Test
    void aFullContextEndsTheSequenceAsASessionDoes() throws Exception {
        try (BitNetModel m = load(); Scheduler scheduler = new Scheduler(m)) {
            int[] p = prompt(CTX - 5, 8);
            GenerationResult batched = await(scheduler.submit(p, GenerationParams.greedy(50), TokenListener.NONE));
            GenerationResult single = alone(m, p, GenerationParams.greedy(50));
            assertEquals(StopReason.CONTEXT_FULL, batched.stopReason());
            assertArrayEquals(single.ids(), batched.ids());
            assertEquals(single.stopReason(), batched.stopReason());
        }
    }

    @Test
    void cancellingStopsTheRequestAndGivesItsBlocksBack() throws Exception {
        try (BitNetModel m = load(); Scheduler scheduler = new Scheduler(m)) {
            int free = m.freeKvBlocks();
            AtomicInteger seen = new AtomicInteger();
            Generation[] self = new Generation[1];
            Generation other = scheduler.submit(prompt(5, 9), GenerationParams.greedy(30), TokenListener.NONE);
            synchronized (self) {
                self[0] = scheduler.submit(prompt(5, 10), GenerationParams.greedy(100), (id, text) -> {
                    if (seen.incrementAndGet() == 3) synchronized (self) { self[0].cancel(); }
                });
            }
            GenerationResult cancelled = await(self[0]);
            assertEquals(StopReason.CANCELLED, cancelled.stopReason());
            assertTrue(cancelled.ids().length >= 3 && cancelled.ids().length <= 4, "ids: " + cancelled.ids().length);
            assertArrayEquals(alone(m, prompt(5, 9), GenerationParams.greedy(30)).ids(), await(other).ids());
            assertEquals(free, m.freeKvBlocks());
        }
    }

    @Test
    void aListenerThatThrowsEndsOnlyItsOwnRequest() throws Exception {
        try (BitNetModel m = load(); Scheduler scheduler = new Scheduler(m)) {
            Generation broken = scheduler.submit(prompt(4, 11), GenerationParams.greedy(20), (id, text) -> {
                throw new IllegalStateException("client went away");
            });
            Generation fine = scheduler.submit(prompt(4, 12), GenerationParams.greedy(20), TokenListener.NONE);
            assertEquals(StopReason.CANCELLED, await(broken).stopReason());
            assertArrayEquals(alone(m, prompt(4, 12), GenerationParams.greedy(20)).ids(), await(fine).ids());
        }
    }

    @Test
    void badRequestsAreRefusedBeforeTheyQueue() {
        try (BitNetModel m = load(); Scheduler scheduler = new Scheduler(m)) {
            var p = GenerationParams.greedy(4);
            assertThrows(BitNetException.class, () -> scheduler.submit(new int[0], p, TokenListener.NONE));
            var tooLong = assertThrows(BitNetException.class, () -> scheduler.submit(prompt(CTX + 1, 1), p, TokenListener.NONE));
            assertTrue(tooLong.getMessage().contains("129 tokens"), tooLong.getMessage());
            assertThrows(BitNetException.class, () -> scheduler.submit(new int[]{1, m.config().vocabSize()}, p, TokenListener.NONE));
            assertThrows(BitNetException.class, () -> scheduler.submit(new int[]{1}, GenerationParams.greedy(-1), TokenListener.NONE));
            assertEquals(0, scheduler.waitingCount());
        }
    }

    @Test
    void noTokensAskedMeansNothingRuns() throws Exception {
        try (BitNetModel m = load(); Scheduler scheduler = new Scheduler(m)) {
            GenerationResult r = await(scheduler.submit(prompt(6, 1), GenerationParams.greedy(0), TokenListener.NONE));
            assertEquals(StopReason.MAX_TOKENS, r.stopReason());
            assertEquals(0, r.ids().length);
        }
    }

    @Test
    void closingFailsWhatIsLeftAndRefusesMore() {
        try (BitNetModel m = load()) {
            Scheduler scheduler = new Scheduler(m);
            List<Generation> left = new ArrayList<>();
            for (int i = 0; i < 8; i++) left.add(scheduler.submit(prompt(30, i), GenerationParams.greedy(100), TokenListener.NONE));
            scheduler.close();
            for (Generation g : left) {
                // each either finished before the close or was failed by it: none is left waiting
                assertTrue(g.result().isDone());
            }
            assertTrue(left.stream().anyMatch(g -> g.result().isCompletedExceptionally()));
            var e = assertThrows(CompletionException.class, () -> left.get(7).result().join());
            assertTrue(e.getCause().getMessage().contains("closed"));
            assertThrows(BitNetException.class, () -> scheduler.submit(prompt(3, 1), GenerationParams.greedy(1), TokenListener.NONE));
            assertEquals(m.freeKvBlocks(), 3 * (CTX / 16), "blocks of the failed sequences given back");
        }
    }
}
