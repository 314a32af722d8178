package dev.bitnet.testing;

import dev.bitnet.backend.Backend;
import dev.bitnet.backend.Backends;
import dev.bitnet.backend.ForwardBatch;
import dev.bitnet.backend.KvCache;
import dev.bitnet.backend.KvCacheSpec;
import dev.bitnet.backend.KvType;
import dev.bitnet.gguf.GgufFile;
import dev.bitnet.model.ModelConfig;
import dev.bitnet.model.ModelLoader;
import dev.bitnet.model.Transformer;

import java.nio.file.Path;

/**
 * One forward step that mixes sequences: sequence A's prefill chunk, sequence B's single decode token and sequence
 * C's prefill chunk, each in its own KV blocks, after a first step that fed B's earlier tokens. Returns the logits of
 * the last token of each sequence, which must equal running each sequence alone.
 */
public final class BatchedStep {
    private BatchedStep() {
    }

    public static final int[] A = {3, 14, 15, 92, 65}, B_HISTORY = {35, 89, 79, 32}, B_NEXT = {38}, C = {46, 26, 43};

    /** Logits of [A last, B next, C last] computed in one mixed step (B's history fed in a step before). */
    public static float[][] mixed(Path model, String backend, int threads) {
        try (GgufFile file = GgufFile.open(model); Backend b = Backends.create(backend, threads)) {
            ModelConfig c = ModelLoader.readConfig(file, null);
            Transformer t = new Transformer(c, b, ModelLoader.load(file, c, b), 16);
            try (KvCache cache = b.allocKvCache(new KvCacheSpec(c.layers(), c.kvHeads(), c.headDim(), 4, 12, KvType.F32))) {
                int[][] tables = {{5, 1}, {0, 7, 3}, {9}};
                float[] ignored = new float[c.vocabSize()];
                t.forward(new ForwardBatch(B_HISTORY, new int[]{0, 1, 2, 3}, new int[]{1, 1, 1, 1}, tables, new int[0], 4), cache, ignored);
                int[] tokens = concat(A, B_NEXT, C);
                int[] positions = concat(new int[]{0, 1, 2, 3, 4}, new int[]{4}, new int[]{0, 1, 2});
                int[] seq = concat(new int[]{0, 0, 0, 0, 0}, new int[]{1}, new int[]{2, 2, 2});
                float[] logits = new float[3 * c.vocabSize()];
                t.forward(new ForwardBatch(tokens, positions, seq, tables, new int[]{4, 5, 8}, 4), cache, logits);
                float[][] out = new float[3][c.vocabSize()];
                for (int k = 0; k < 3; k++) System.arraycopy(logits, k * c.vocabSize(), out[k], 0, c.vocabSize());
                return out;
            }
        }
    }

    /** The same three last-token logits, each sequence run alone from an empty cache. */
    public static float[][] separate(Path model, String backend, int threads) {
        float[][] out = new float[3][];
        int[][] prompts = {A, concat(B_HISTORY, B_NEXT), C};
        for (int k = 0; k < 3; k++) {
            GreedyRun r = GreedyRun.run(model, backend, threads, null, KvType.F32, prompts[k], 1, 16);
            out[k] = r.logits().getFirst();
        }
        return out;
    }

    private static int[] concat(int[]... parts) {
        return java.util.Arrays.stream(parts).flatMapToInt(java.util.Arrays::stream).toArray();
    }
}
