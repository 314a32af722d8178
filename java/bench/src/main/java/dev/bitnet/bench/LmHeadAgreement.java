package dev.bitnet.bench;

import dev.bitnet.api.BitNetException;
import dev.bitnet.backend.Backend;
import dev.bitnet.backend.Backends;
import dev.bitnet.backend.ForwardBatch;
import dev.bitnet.backend.KvCache;
import dev.bitnet.backend.KvCacheSpec;
import dev.bitnet.backend.KvType;
import dev.bitnet.backend.ScalarMath;
import dev.bitnet.backend.Tensor;
import dev.bitnet.gguf.GgufFile;
import dev.bitnet.model.LmHeadType;
import dev.bitnet.model.ModelConfig;
import dev.bitnet.model.ModelLoader;
import dev.bitnet.model.ModelWeights;
import dev.bitnet.model.Transformer;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * What the int8 LM head ({@code --lm-head q8}) changes in a model's output against the exact f16 head, measured as
 * llama-perplexity's {@code --kl-divergence} compares a quantised model with its base, teacher-forced: each prompt is
 * fed, then {@code stepsPerPrompt} tokens are decoded greedily by the f16 head, and at every step both heads turn the
 * same final hidden state into logits.
 *
 * @param backend       the backend's description
 * @param prompts       prompts fed
 * @param steps         steps compared (prompts × steps per prompt)
 * @param sameTop       steps where both heads' greedy token is the same
 * @param meanKl        mean over the steps of KL(p_f16 || p_q8), in nats, of the softmax distributions
 * @param maxKl         the largest of those
 * @param maxLogitDelta the largest |logit_q8 − logit_f16| over all steps and the vocabulary
 */
public record LmHeadAgreement(String backend, int prompts, int steps, int sameTop, double meanKl, double maxKl,
                              double maxLogitDelta) {
    /** Share of the steps with the same greedy token (1 when nothing was compared). */
    public double sameTopShare() {
        return steps == 0 ? 1 : (double) sameTop / steps;
    }

    /**
     * Loads {@code model} on the backend {@code selector} with the f16 head and the int8 head beside it and compares
     * them over every prompt, each from an empty context.
     */
    public static LmHeadAgreement measure(Path model, String selector, int threads, List<int[]> prompts, int stepsPerPrompt) {
        if (prompts.isEmpty() || prompts.stream().anyMatch(p -> p.length == 0)) throw new BitNetException("every prompt needs a token");
        if (stepsPerPrompt < 1) throw new BitNetException("steps per prompt must be >= 1, not " + stepsPerPrompt);
        try (GgufFile file = GgufFile.open(model)) {
            ModelConfig c = ModelLoader.readConfig(file, null);
            for (int[] prompt : prompts) c.requireTokenIds(prompt);
            int longest = prompts.stream().mapToInt(p -> p.length).max().orElseThrow() + stepsPerPrompt;
            if (longest > c.contextLength()) {
                throw new BitNetException("the longest prompt plus " + stepsPerPrompt + " steps is " + longest
                        + " positions, more than the model's context of " + c.contextLength() + " (" + model + ")");
            }
            try (Backend backend = Backends.create(selector, threads)) {
                ModelWeights w = ModelLoader.load(file, c, backend, LmHeadType.F16);
                Tensor q8 = ModelLoader.loadQ8LmHead(file, backend);
                int blocks = (longest + BenchRunner.BLOCK_SIZE - 1) / BenchRunner.BLOCK_SIZE;
                int[] table = new int[blocks];
                Arrays.setAll(table, i -> i);
                KvCacheSpec spec = new KvCacheSpec(c.layers(), c.kvHeads(), c.headDim(), BenchRunner.BLOCK_SIZE, blocks, KvType.F16);
                try (KvCache cache = backend.allocKvCache(spec)) {
                    int chunk = Math.min(128, longest);
                    Transformer t = new Transformer(c, backend, w, chunk);
                    float[] exact = new float[c.vocabSize()], quantised = new float[c.vocabSize()];
                    int same = 0;
                    double klSum = 0, klMax = 0, delta = 0;
                    for (int[] prompt : prompts) {
                        BenchRunner.prefill(t, chunk, cache, prompt, 0, table, exact);   // from position 0: the cache is reused
                        t.logitsWith(q8, quantised);
                        for (int s = 0, pos = prompt.length; s < stepsPerPrompt; s++, pos++) {
                            int next = ScalarMath.argmax(exact, 0, exact.length);
                            if (next == ScalarMath.argmax(quantised, 0, quantised.length)) same++;
                            double kl = LogitDistributions.klDivergence(exact, quantised);
                            klSum += kl;
                            klMax = Math.max(klMax, kl);
                            for (int v = 0; v < exact.length; v++) delta = Math.max(delta, Math.abs(quantised[v] - exact[v]));
                            if (s + 1 < stepsPerPrompt) {
                                t.forward(ForwardBatch.single(new int[]{next}, pos, table, BenchRunner.BLOCK_SIZE), cache, exact);
                                t.logitsWith(q8, quantised);
                            }
                        }
                    }
                    int steps = prompts.size() * stepsPerPrompt;
                    return new LmHeadAgreement(backend.description(), prompts.size(), steps, same, klSum / steps, klMax, delta);
                }
            }
        }
    }
}
