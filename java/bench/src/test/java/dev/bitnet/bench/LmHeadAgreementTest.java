package dev.bitnet.bench;

import dev.bitnet.api.BitNetException;
import dev.bitnet.backend.Backend;
import dev.bitnet.backend.Backends;
import dev.bitnet.backend.ForwardBatch;
import dev.bitnet.backend.KvCache;
import dev.bitnet.backend.KvCacheSpec;
import dev.bitnet.backend.KvType;
import dev.bitnet.backend.ScalarMath;
import dev.bitnet.gguf.GgmlType;
import dev.bitnet.gguf.GgufFile;
import dev.bitnet.model.LmHeadType;
import dev.bitnet.model.ModelConfig;
import dev.bitnet.model.ModelLoader;
import dev.bitnet.model.Transformer;
import dev.bitnet.testmodel.TestModelGenerator;
import dev.bitnet.testmodel.TestModelSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The q8-against-f16 head comparison, checked against an independent computation: two models loaded separately, one
 * with each head, the q8 one fed the f16 one's greedy tokens token by token.
 */
class LmHeadAgreementTest {
    static final List<int[]> PROMPTS = List.of(new int[]{1, 5, 9}, new int[]{7}, new int[]{3, 3, 2, 8, 4});
    static final int STEPS = 12;
    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void writeModel() {
        model = dir.resolve("tiny.gguf");
        TestModelGenerator.write(TestModelSpec.tiny(GgmlType.I2_S).withSeed(14), model);   // a seed where the heads differ in 2 of 36 steps
    }

    /** Per prompt and step: the greedy id of the f16 head, and the logits of {@code head} when fed the f16 head's ids. */
    private static List<float[]> teacherForced(LmHeadType head, List<int[]> f16Ids) {
        List<float[]> out = new ArrayList<>();
        try (GgufFile file = GgufFile.open(model); Backend b = Backends.create("reference", 1)) {
            ModelConfig c = ModelLoader.readConfig(file, null);
            Transformer t = new Transformer(c, b, ModelLoader.load(file, c, b, head), 1);
            int[] table = {0, 1, 2};
            for (int p = 0; p < PROMPTS.size(); p++) {
                try (KvCache cache = b.allocKvCache(new KvCacheSpec(c.layers(), c.kvHeads(), c.headDim(), 16, 3, KvType.F16))) {
                    int[] prompt = PROMPTS.get(p);
                    float[] logits = new float[c.vocabSize()];
                    int pos = 0;
                    for (int id : prompt) t.forward(ForwardBatch.single(new int[]{id}, pos++, table, 16), cache, logits);
                    for (int s = 0; s < STEPS; s++) {
                        out.add(logits.clone());
                        if (head == LmHeadType.F16) f16Ids.add(new int[]{ScalarMath.argmax(logits, 0, logits.length)});
                        int next = f16Ids.get(p * STEPS + s)[0];
                        t.forward(ForwardBatch.single(new int[]{next}, pos++, table, 16), cache, logits);
                    }
                }
            }
        }
        return out;
    }

    @Test
    void countsWhatTwoSeparatelyLoadedHeadsGiveOnTheSameTokens() {
        List<int[]> ids = new ArrayList<>();
        List<float[]> f16 = teacherForced(LmHeadType.F16, ids), q8 = teacherForced(LmHeadType.Q8, ids);
        int same = 0;
        double delta = 0;
        for (int s = 0; s < f16.size(); s++) {
            if (ScalarMath.argmax(q8.get(s), 0, q8.get(s).length) == ids.get(s)[0]) same++;
            for (int v = 0; v < f16.get(s).length; v++) delta = Math.max(delta, Math.abs(q8.get(s)[v] - f16.get(s)[v]));
        }
        LmHeadAgreement a = LmHeadAgreement.measure(model, "reference", 1, PROMPTS, STEPS);
        assertEquals(PROMPTS.size(), a.prompts());
        assertEquals(PROMPTS.size() * STEPS, a.steps());
        assertTrue(same < a.steps(), "a model on which the heads differ somewhere: " + same);
        assertEquals(same, a.sameTop());
        assertEquals(delta, a.maxLogitDelta(), 0, "the same hidden states through the same kernel: the same bits");
        assertTrue(delta > 0 && a.meanKl() > 0 && a.maxKl() >= a.meanKl(), a.toString());
    }

    private static int vocab() {
        try (GgufFile file = GgufFile.open(model)) {
            return ModelLoader.readConfig(file, null).vocabSize();
        }
    }

    @Test
    void klDivergenceMatchesTheClosedForm() {
        // p = (1/2, 1/2), q = (3/4, 1/4): KL = 1/2 ln(2/3) + 1/2 ln 2 = 1/2 ln(4/3)
        assertEquals(0.5 * Math.log(4.0 / 3), LogitDistributions.klDivergence(new float[]{0, 0}, new float[]{(float) Math.log(3), 0}), 1e-7);
        assertEquals(0, LogitDistributions.klDivergence(new float[]{1, 2, 3}, new float[]{11, 12, 13}), 1e-12, "a shift is the same distribution");
    }

    @Test
    void badRequestsAreOneLineErrors() {
        assertEquals("every prompt needs a token",
                assertThrows(BitNetException.class, () -> LmHeadAgreement.measure(model, "reference", 1, List.of(new int[0]), 4)).getMessage());
        assertEquals("steps per prompt must be >= 1, not 0",
                assertThrows(BitNetException.class, () -> LmHeadAgreement.measure(model, "reference", 1, PROMPTS, 0)).getMessage());
        assertEquals("token id 99999 is outside the vocabulary (0.." + (vocab() - 1) + ")", assertThrows(BitNetException.class,
                () -> LmHeadAgreement.measure(model, "reference", 1, List.of(new int[]{1, 99999}), 2)).getMessage());
        assertEquals("token id -1 is outside the vocabulary (0.." + (vocab() - 1) + ")", assertThrows(BitNetException.class,
                () -> LmHeadAgreement.measure(model, "reference", 1, List.of(new int[]{-1}), 2)).getMessage());
        String tooLong = assertThrows(BitNetException.class, () -> LmHeadAgreement.measure(model, "reference", 1, PROMPTS, 100_000)).getMessage();
        assertTrue(tooLong.startsWith("the longest prompt plus 100000 steps is 100005 positions, more than the model's context of "), tooLong);
    }
}
