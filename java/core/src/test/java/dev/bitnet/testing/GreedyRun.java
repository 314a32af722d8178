package dev.bitnet.testing;

import dev.bitnet.backend.Backend;
import dev.bitnet.backend.Backends;
import dev.bitnet.backend.ForwardBatch;
import dev.bitnet.backend.KvCache;
import dev.bitnet.backend.KvCacheSpec;
import dev.bitnet.backend.KvType;
import dev.bitnet.gguf.GgufFile;
import dev.bitnet.model.Activation;
import dev.bitnet.model.LmHeadType;
import dev.bitnet.model.ModelConfig;
import dev.bitnet.model.ModelLoader;
import dev.bitnet.model.ModelWeights;
import dev.bitnet.model.Transformer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Greedy decoding of a model on one backend, keeping every step's logits: the harness every backend's agreement test
 * uses against the reference backend. Drives the graph directly (not the public API) so the logits are visible.
 *
 * @param ids    the generated ids
 * @param logits the logits each id was picked from
 */
public record GreedyRun(int[] ids, List<float[]> logits) {

    /**
     * @param prefillChunk tokens per prefill step (1 feeds the prompt token by token, which exercises the decode path)
     */
    public static GreedyRun run(Path model, String backendName, int threads, Activation activation, KvType kvType,
                                int[] prompt, int steps, int prefillChunk) {
        return run(model, backendName, threads, activation, kvType, prompt, steps, prefillChunk, LmHeadType.F16);
    }

    public static GreedyRun run(Path model, String backendName, int threads, Activation activation, KvType kvType,
                                int[] prompt, int steps, int prefillChunk, LmHeadType lmHead) {
        try (GgufFile file = GgufFile.open(model); Backend backend = Backends.create(backendName, threads)) {
            ModelConfig c = ModelLoader.readConfig(file, activation);
            ModelWeights w = ModelLoader.load(file, c, backend, lmHead);
            int blockSize = 16;
            int blocks = (prompt.length + steps + blockSize) / blockSize + 1;
            int[] table = new int[blocks];
            for (int i = 0; i < blocks; i++) table[i] = blocks - 1 - i; // deliberately not in order: exercises the paging
            try (KvCache cache = backend.allocKvCache(new KvCacheSpec(c.layers(), c.kvHeads(), c.headDim(), blockSize, blocks, kvType))) {
                Transformer t = new Transformer(c, backend, w, Math.max(1, prefillChunk));
                float[] logits = new float[c.vocabSize()];
                int pos = 0;
                for (int start = 0; start < prompt.length; start += prefillChunk) {
                    int end = Math.min(prompt.length, start + prefillChunk);
                    int[] chunk = java.util.Arrays.copyOfRange(prompt, start, end);
                    t.forward(ForwardBatch.single(chunk, pos, table, blockSize), cache, logits);
                    pos = end;
                }
                int[] ids = new int[steps];
                List<float[]> all = new ArrayList<>();
                for (int s = 0; s < steps; s++) {
                    all.add(logits.clone());
                    ids[s] = argmax(logits);
                    if (s + 1 < steps) t.forward(ForwardBatch.single(new int[]{ids[s]}, pos++, table, blockSize), cache, logits);
                }
                return new GreedyRun(ids, all);
            }
        }
    }

    public static int argmax(float[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
        return best;
    }

    /** The largest |a-b| / max(|b|, 1) over all logits of all steps (relative to the reference b, floored at 1). */
    public double maxRelativeDifference(GreedyRun reference) {
        double worst = 0;
        for (double d : stepDifferences(reference)) worst = Math.max(worst, d);
        return worst;
    }

    /** Per step, the largest |a - b| / max(|b|, 1) over the vocabulary (NaN counts as infinitely different). */
    public double[] stepDifferences(GreedyRun reference) {
        double[] out = new double[Math.min(logits.size(), reference.logits.size())];
        for (int s = 0; s < out.length; s++) {
            float[] a = logits.get(s), b = reference.logits.get(s);
            for (int i = 0; i < a.length; i++) {
                double d = Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), 1f);
                out[s] = Math.max(out[s], Double.isNaN(d) ? Double.POSITIVE_INFINITY : d);
            }
        }
        return out;
    }
}
