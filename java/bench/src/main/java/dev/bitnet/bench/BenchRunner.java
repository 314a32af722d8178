package dev.bitnet.bench;

import dev.bitnet.api.BitNetException;
import dev.bitnet.backend.Backend;
import dev.bitnet.backend.BackendProvider;
import dev.bitnet.backend.Backends;
import dev.bitnet.backend.ForwardBatch;
import dev.bitnet.backend.KvCache;
import dev.bitnet.backend.KvCacheSpec;
import dev.bitnet.backend.ProfilingBackend;
import dev.bitnet.backend.ScalarMath;
import dev.bitnet.backend.StepProfile;
import dev.bitnet.model.LmHeadType;
import dev.bitnet.model.ModelConfig;
import dev.bitnet.model.ModelSource;
import dev.bitnet.model.ModelWeights;
import dev.bitnet.model.Transformer;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Runs the benchmark: for each backend, load the model, then {@code repetitions} times a prefill of the prompt and a
 * decode of {@code genTokens} greedy tokens (llama-bench's pp and tg), timing each; both start from an empty context,
 * or after {@code depth} tokens of context filled once, untimed (llama-bench's {@code -d}). A batched decode
 * ({@link BenchConfig#sequences()} {@code > 1}) gives every sequence its own blocks of the cache and its own copy of
 * that context; its rate counts the tokens of all sequences.
 */
public final class BenchRunner {
    /** Positions per KV-cache block in the runs of this package. */
    static final int BLOCK_SIZE = 16;
    /** Decode steps compared teacher-forced (each backend keeps that many rows of logits: 16 MB for 2B4T). */
    public static final int FORCED_STEPS = 32;

    private BenchRunner() {
    }

    /** Runs every backend of {@code cfg} in turn; see {@link #run(BenchConfig, Consumer)}. */
    public static List<BenchOutcome> run(BenchConfig cfg) {
        return run(cfg, backend -> { });
    }

    /**
     * Runs every backend of {@code cfg} in turn, telling {@code starting} each one's selector first. A backend that
     * cannot run here, or fails while loading or running, becomes a {@link SkippedBackend} and the others still run;
     * an error in the model file itself is thrown before any backend starts.
     */
    public static List<BenchOutcome> run(BenchConfig cfg, Consumer<String> starting) {
        checkModel(cfg);
        List<BenchOutcome> outcomes = new ArrayList<>();
        int[] forced = null;   // the first backend's greedy ids of sequence 0: what the others are fed teacher-forced
        for (String selector : cfg.backends()) {
            starting.accept(selector);
            System.gc();
            ProcessMemory.resetPeak();
            BenchOutcome outcome = runOne(cfg, selector, forced);
            if (forced == null && outcome instanceof BackendResult r) forced = firstSequence(r.greedyIds(), cfg.sequences());
            outcomes.add(outcome);
        }
        return outcomes;
    }

    /**
     * Throws the model file's own errors, and a context the model cannot hold, as a {@link BitNetException}: what
     * {@link #run} does before any backend starts (a sweep checks all its runs so before the first).
     */
    public static void checkModel(BenchConfig cfg) {
        try (ModelSource source = ModelSource.open(cfg.model())) {
            ModelConfig c = source.config(null);   // the model's own errors are the user's, not a backend's
            if (cfg.contextNeeded() > c.contextLength()) {
                throw new BitNetException("-d " + cfg.depth() + " plus the longer of -p " + cfg.promptTokens() + " and -n "
                        + cfg.genTokens() + " is " + cfg.contextNeeded() + " positions, more than the model's context of "
                        + c.contextLength() + " (" + cfg.model() + ")");
            }
        }
    }

    private static BenchOutcome runOne(BenchConfig cfg, String selector, int[] forced) {
        String unavailable = unavailableReason(selector);
        if (unavailable != null) return SkippedBackend.unavailable(selector, unavailable);
        long t0 = System.nanoTime();
        Backend backend;
        try {
            backend = Backends.create(selector, cfg.threads());
        } catch (RuntimeException e) {
            return new SkippedBackend(selector, SkippedBackend.Kind.UNAVAILABLE, message(e), e);
        }
        try (backend) {
            return measure(cfg, backend, t0, forced);
        } catch (RuntimeException e) {
            return new SkippedBackend(selector, SkippedBackend.Kind.FAILED, message(e), e);
        }
    }

    /** Why no backend of this selector's name can run here, or null when one can. */
    static String unavailableReason(String selector) {
        String name = selector.strip();
        int colon = name.indexOf(':');
        if (colon >= 0) name = name.substring(0, colon);
        List<BackendProvider> providers = Backends.providers();
        for (BackendProvider p : providers) {
            if (p.name().equals(name)) return p.unavailableReason();
        }
        return "no backend '" + name + "' in this build (available: "
                + String.join(", ", providers.stream().map(BackendProvider::name).toList()) + ")";
    }

    private static String message(RuntimeException e) {
        String m = e.getMessage();
        if (e instanceof BitNetException && m != null) return m;
        return e.getClass().getSimpleName() + (m != null ? ": " + m : "");
    }

    /** @param forced the greedy ids to feed teacher-forced, or null to feed this backend's own */
    private static BackendResult measure(BenchConfig cfg, Backend backend, long t0, int[] forced) {
        try (ModelSource source = ModelSource.open(cfg.model())) {
            ModelConfig c = source.config(null);
            ModelWeights weights = source.load(c, backend, cfg.lmHead());
            int maxLen = cfg.contextNeeded() + 1, sequences = cfg.sequences();
            int blocks = (maxLen + BLOCK_SIZE - 1) / BLOCK_SIZE;
            int[][] tables = new int[sequences][blocks];   // sequence s owns blocks [s * blocks, (s + 1) * blocks)
            for (int s = 0; s < sequences; s++) for (int i = 0; i < blocks; i++) tables[s][i] = s * blocks + i;
            KvCacheSpec spec = new KvCacheSpec(c.layers(), c.kvHeads(), c.headDim(), BLOCK_SIZE, blocks * sequences, cfg.kvType());
            try (KvCache cache = backend.allocKvCache(spec)) {
                int chunk = Math.max(1, Math.min(cfg.prefillChunk(), Math.max(cfg.promptTokens(), cfg.depth())));
                Transformer t = new Transformer(c, backend, weights, Math.max(chunk, sequences));
                double loadSeconds = (System.nanoTime() - t0) / 1e9;
                float[] logits = new float[sequences * c.vocabSize()];
                int[] prompt = new SplittableRandom(1).ints(cfg.promptTokens(), 0, c.vocabSize()).toArray();
                int depth = cfg.depth();
                // the context the timed runs start after, each sequence's own: written once, only ever read by them
                int[] context = new SplittableRandom(2).ints(depth, 0, c.vocabSize()).toArray();
                for (int[] table : tables) prefill(t, chunk, cache, context, 0, table, logits);
                // one untimed warm-up of each path (JIT, page faults of the mapped embedding)
                prefill(t, chunk, cache, prompt, depth, tables[0], logits);
                decode(t, cache, Math.min(4, cfg.genTokens()), depth, tables, logits, null);
                long deviceMemory = backend.deviceMemoryBytes();   // after load and a first run: buffers made lazily count
                double[] pp = new double[cfg.repetitions()], tg = new double[cfg.repetitions()];
                int[] ids = null;
                float[] firstStepLogits = new float[cfg.genTokens() > 0 ? c.vocabSize() : 0];
                for (int r = 0; r < cfg.repetitions(); r++) {
                    if (cfg.promptTokens() > 0) {
                        long p0 = System.nanoTime();
                        prefill(t, chunk, cache, prompt, depth, tables[0], logits);
                        pp[r] = cfg.promptTokens() / ((System.nanoTime() - p0) / 1e9);
                    }
                    if (cfg.genTokens() > 0) {
                        long d0 = System.nanoTime();
                        int[] out = decode(t, cache, cfg.genTokens(), depth, tables, logits, ids == null ? firstStepLogits : null);
                        tg[r] = (double) sequences * cfg.genTokens() / ((System.nanoTime() - d0) / 1e9);
                        if (ids == null) ids = out;
                    }
                }
                int[] ownIds = ids == null ? new int[0] : firstSequence(ids, sequences);
                float[][] forcedLogits = teacherForced(t, cache, forced != null ? forced : ownIds, depth, tables[0], c.vocabSize());
                StepProfile prefillProfile = cfg.profile() && cfg.promptTokens() > 0
                        ? profilePrefill(c, backend, weights, cache, chunk, prompt, depth, tables[0], logits) : StepProfile.NONE;
                StepProfile decodeProfile = cfg.profile() && cfg.genTokens() > 0
                        ? profileDecode(c, backend, weights, cache, cfg.genTokens(), depth, tables, logits) : StepProfile.NONE;
                return new BackendResult(backend.name(), backend.description(), loadSeconds, Stats.of(pp), Stats.of(tg),
                        ProcessMemory.peakRssBytes(), weights.bytes() + spec.bytes(), deviceMemory,
                        bytesPerDecodedToken(c, cfg.lmHead()) / sequences, ids == null ? new int[0] : ids, firstStepLogits,
                        prefillProfile, decodeProfile, forcedLogits);
            }
        }
    }

    /** Feeds the prompt once more, through a {@link ProfilingBackend}, and returns where the steps' time went. */
    private static StepProfile profilePrefill(ModelConfig c, Backend backend, ModelWeights weights, KvCache cache,
                                              int chunk, int[] prompt, int at, int[] table, float[] logits) {
        ProfilingBackend profiling = new ProfilingBackend(backend);
        Transformer t = new Transformer(c, profiling, weights, chunk);
        try {
            prefill(t, chunk, cache, prompt, at, table, logits);
            return profiling.profile();
        } finally {
            t.freeActivations();
        }
    }

    /**
     * Decodes {@code n} tokens from position {@code at} once more, through a {@link ProfilingBackend} (after two
     * untimed steps through it), and returns where the steps' time went.
     */
    private static StepProfile profileDecode(ModelConfig c, Backend backend, ModelWeights weights, KvCache cache, int n,
                                             int at, int[][] tables, float[] logits) {
        ProfilingBackend profiling = new ProfilingBackend(backend);
        Transformer t = new Transformer(c, profiling, weights, tables.length);
        try {
            decode(t, cache, Math.min(2, n), at, tables, logits, null);
            profiling.reset();
            decode(t, cache, n, at, tables, logits, null);
            return profiling.profile();
        } finally {
            t.freeActivations();
        }
    }

    /** Feeds {@code prompt} at positions {@code at..} in steps of {@code chunk} tokens. */
    static void prefill(Transformer t, int chunk, KvCache cache, int[] prompt, int at, int[] table, float[] logits) {
        for (int start = 0; start < prompt.length; start += chunk) {
            int end = Math.min(prompt.length, start + chunk);
            ForwardBatch b = ForwardBatch.single(java.util.Arrays.copyOfRange(prompt, start, end), at + start, table, BLOCK_SIZE);
            if (end < prompt.length) b = new ForwardBatch(b.tokens(), b.positions(), b.seqIndex(), b.blockTables(), new int[0], BLOCK_SIZE);
            t.forward(b, cache, logits);
        }
    }

    /**
     * Greedy decode of every sequence of {@code tables} together from position {@code at}, one token each per step:
     * sequence s is fed token 1 + s, then each its argmax. Returns the ids step by step ({@code ids[step * sequences +
     * s]}). The first step's logits of sequence 0 are copied to {@code firstStepLogits} unless it is null.
     */
    private static int[] decode(Transformer t, KvCache cache, int n, int at, int[][] tables, float[] logits, float[] firstStepLogits) {
        int sequences = tables.length, vocab = logits.length / sequences;
        int[] ids = new int[n * sequences], tokens = new int[sequences], seq = new int[sequences];
        for (int s = 0; s < sequences; s++) {
            tokens[s] = 1 + s;
            seq[s] = s;
        }
        for (int pos = 0; pos < n; pos++) {
            int[] positions = new int[sequences];
            java.util.Arrays.fill(positions, at + pos);
            t.forward(new ForwardBatch(tokens.clone(), positions, seq, tables, seq, BLOCK_SIZE), cache, logits);
            if (pos == 0 && firstStepLogits != null) System.arraycopy(logits, 0, firstStepLogits, 0, firstStepLogits.length);
            for (int s = 0; s < sequences; s++) {
                tokens[s] = ScalarMath.argmax(logits, s * vocab, vocab);
                ids[pos * sequences + s] = tokens[s];
            }
        }
        return ids;
    }

    /** Sequence 0's ids of a decode's ids ({@code ids[step * sequences + s]}), at most {@link #FORCED_STEPS}. */
    private static int[] firstSequence(int[] ids, int sequences) {
        int[] out = new int[Math.min(FORCED_STEPS, ids.length / sequences)];
        for (int step = 0; step < out.length; step++) out[step] = ids[step * sequences];
        return out;
    }

    /**
     * Sequence 0 decoded once more from position {@code at}, alone, but fed {@code ids} instead of its own choices: the
     * first token as in {@link #decode} (1), then {@code ids[0..]}. Returns each step's logits, one step per id.
     */
    private static float[][] teacherForced(Transformer t, KvCache cache, int[] ids, int at, int[] table, int vocab) {
        float[][] out = new float[ids.length][vocab];
        for (int step = 0; step < ids.length; step++) {
            int token = step == 0 ? 1 : ids[step - 1];
            t.forward(ForwardBatch.single(new int[]{token}, at + step, table, BLOCK_SIZE), cache, out[step]);
        }
        return out;
    }

    /** The weights a decode step must read: every ternary weight at 2 bits, plus the LM head (f16, or int8 rows). */
    public static long bytesPerDecodedToken(ModelConfig c, LmHeadType lmHead) {
        long perLayer = (long) c.dim() * c.dim() * 2 + (long) c.dim() * c.kvDim() * 2 + (long) c.dim() * c.ffnDim() * 3;
        long head = lmHead == LmHeadType.F16 ? (long) c.vocabSize() * c.dim() * 2 : (long) c.vocabSize() * (c.dim() + 4);
        return perLayer * c.layers() / 4 + head;
    }
}
