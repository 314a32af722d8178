package dev.bitnet.backend;

import dev.bitnet.gguf.GgmlType;
import dev.bitnet.gguf.GgufFile;
import dev.bitnet.model.LmHeadType;
import dev.bitnet.model.ModelConfig;
import dev.bitnet.model.ModelLoader;
import dev.bitnet.model.ModelWeights;
import dev.bitnet.model.Transformer;
import dev.bitnet.testmodel.TestModelGenerator;
import dev.bitnet.testmodel.TestModelSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/** The profiling decorator: same results as the backend it wraps, every operation counted, time where it was spent. */
class ProfilingBackendTest {
    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void writeModel() {
        model = dir.resolve("tiny.gguf");
        TestModelGenerator.write(TestModelSpec.tiny(GgmlType.I2_S).withSeed(5), model);
    }

    /** A 3-token prompt in one step, then two decode steps; returns each step's logits. */
    private static List<float[]> run(Backend loadOn, Function<Backend, Backend> runOn, ProfileCheck check) {
        try (GgufFile file = GgufFile.open(model)) {
            ModelConfig c = ModelLoader.readConfig(file, null);
            ModelWeights w = ModelLoader.load(file, c, loadOn, LmHeadType.F16);
            Backend b = runOn.apply(loadOn);
            int[] table = {0, 1};
            try (KvCache cache = b.allocKvCache(new KvCacheSpec(c.layers(), c.kvHeads(), c.headDim(), 16, 2, KvType.F16))) {
                Transformer t = new Transformer(c, b, w, 3);
                List<float[]> out = new ArrayList<>();
                long t0 = System.nanoTime();
                float[] logits = new float[c.vocabSize()];
                t.forward(ForwardBatch.single(new int[]{1, 2, 3}, 0, table, 16), cache, logits);
                out.add(logits.clone());
                for (int pos = 3; pos < 5; pos++) {
                    t.forward(ForwardBatch.single(new int[]{7 + pos}, pos, table, 16), cache, logits);
                    out.add(logits.clone());
                }
                check.check(c, b, System.nanoTime() - t0);
                return out;
            }
        }
    }

    @FunctionalInterface
    private interface ProfileCheck {
        void check(ModelConfig c, Backend ran, long wallNanos);
    }

    @Test
    void profiledStepsGiveTheSameLogitsAndCountEveryOperation() {
        List<float[]> plain;
        try (Backend ref = Backends.create("reference", 1)) {
            plain = run(ref, b -> b, (c, b, wall) -> { });
        }
        List<float[]> profiled;
        try (Backend ref = Backends.create("reference", 1)) {
            profiled = run(ref, ProfilingBackend::new, (c, b, wall) -> {
                StepProfile p = ((ProfilingBackend) b).profile();
                assertEquals(3, p.steps());
                Map<String, StepProfile.Op> ops = p.ops().stream().collect(Collectors.toMap(StepProfile.Op::name, o -> o));
                int steps = 3, layers = c.layers(), dim = c.dim(), ffn = c.ffnDim();
                Map<String, Integer> expected = Map.ofEntries(
                        Map.entry("beginStep", steps), Map.entry("embed", steps), Map.entry("rmsNorm", steps * (4 * layers + 1)),
                        Map.entry("rope", steps * 2 * layers), Map.entry("storeKv", steps * layers),
                        Map.entry("attention", steps * layers), Map.entry("gatedActivation", steps * layers),
                        Map.entry("add", steps * 2 * layers), Map.entry("lmHead", steps),
                        Map.entry("bitLinear " + (dim + 2 * c.kvDim()) + "x" + dim, steps * layers),
                        Map.entry("bitLinear " + dim + "x" + dim, steps * layers),
                        Map.entry("bitLinear " + 2 * ffn + "x" + dim, steps * layers),
                        Map.entry("bitLinear " + dim + "x" + ffn, steps * layers));
                assertEquals(expected.keySet(), ops.keySet());
                expected.forEach((name, calls) -> assertEquals((long) calls, ops.get(name).calls(), name));
                for (StepProfile.Op op : p.ops()) {
                    boolean weights = op.name().startsWith("bitLinear") || op.name().equals("lmHead");
                    assertEquals(weights, op.weightBytes() > 0, op.name());
                    assertEquals(weights, !Double.isNaN(op.weightBytesPerSecond()), op.name());
                }
                // q, k and v read their three matrices, the same bytes each call: at least 2 bits a weight (as the
                // backend holds them: the reference keeps a byte per weight)
                StepProfile.Op qkv = ops.get("bitLinear " + (dim + 2 * c.kvDim()) + "x" + dim);
                assertEquals(0, qkv.weightBytes() % qkv.calls());
                assertTrue(qkv.weightBytes() / qkv.calls() >= (dim + 2L * c.kvDim()) * dim / 4, qkv.toString());
                assertTrue(p.millisPerStep() * steps <= wall / 1e6, "the ops' time fits in the run's");
                assertEquals(1.0, p.ops().stream().mapToDouble(p::share).sum(), 1e-9);
                for (int i = 1; i < p.ops().size(); i++) assertTrue(p.ops().get(i - 1).nanos() >= p.ops().get(i).nanos(), "slowest first");
            });
        }
        assertEquals(plain.size(), profiled.size());
        for (int i = 0; i < plain.size(); i++) assertArrayEquals(plain.get(i), profiled.get(i), "step " + i);
    }

    @Test
    void aSlowOperationTakesItsShareAndEveryOperationIsWaitedFor() {
        List<String> calls = new ArrayList<>();
        try (Backend ref = Backends.create("reference", 1)) {
            Backend slowAttention = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[]{Backend.class},
                    (proxy, method, args) -> {
                        calls.add(method.getName());
                        if (method.getName().equals("attention")) Thread.sleep(20);
                        try {
                            return method.invoke(ref, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
            run(slowAttention, ProfilingBackend::new, (c, b, wall) -> {
                StepProfile p = ((ProfilingBackend) b).profile();
                StepProfile.Op attention = p.ops().getFirst();
                assertEquals("attention", attention.name());
                assertTrue(attention.millisPerStep(p.steps()) >= 20.0 * c.layers(), attention.toString());
                assertTrue(p.share(attention) > 0.5, "share " + p.share(attention));
                ((ProfilingBackend) b).reset();
                assertTrue(((ProfilingBackend) b).profile().isEmpty());
                assertEquals(0, ((ProfilingBackend) b).profile().millisPerStep());
            });
        }
        Set<String> timed = Set.of("beginStep", "embed", "rmsNorm", "bitLinear", "rope", "storeKv", "attention",
                "gatedActivation", "add", "logits", "greedy");
        int ops = 0;
        for (int i = 0; i < calls.size(); i++) {
            if (!timed.contains(calls.get(i)) || i > 0 && calls.get(i - 1).equals("bitLinear") && calls.get(i).equals("bitLinear")) continue;
            ops++;
        }
        assertTrue(ops > 0);
        for (int i = 0; i < calls.size(); i++) {
            if (!timed.contains(calls.get(i))) continue;
            int next = i + 1; // a product of several weights may run as several single products on the wrapped backend
            while (next < calls.size() && calls.get(next).equals(calls.get(i)) && calls.get(i).equals("bitLinear")) next++;
            assertTrue(next < calls.size() && calls.get(next).equals("finish"), "no finish after " + calls.get(i) + " (call " + i + ")");
            i = next;
        }
    }
}
