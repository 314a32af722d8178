package dev.bitnet.backend.cpu;

import dev.bitnet.backend.Tensor;
import dev.bitnet.quant.F16Matrix;
import dev.bitnet.quant.Int8RowMatrix;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The read-ahead learns which matrix follows which, and reads every kind of weight to its end without failing. */
class WeightPrefetchTest {
    @Test
    void learnsTheOrderOfTheMatrices() {
        try (WorkerPool pool = new WorkerPool(2)) {
            WeightPrefetch p = new WeightPrefetch(pool);
            Tensor a = floats(4), b = floats(4), c = floats(4);
            for (int round = 0; round < 2; round++) {
                for (Tensor t : new Tensor[]{a, b, c}) {
                    p.before(t);
                    p.after(t);
                }
            }
            assertEquals(b, p.successorOf(a));
            assertEquals(c, p.successorOf(b));
            assertEquals(a, p.successorOf(c)); // the next step starts again
            p.before(a); // the order changed: c now follows a
            p.before(c);
            assertEquals(c, p.successorOf(a));
        }
    }

    @Test
    void oneThreadLearnsNothing() {
        try (WorkerPool pool = new WorkerPool(1)) {
            WeightPrefetch p = new WeightPrefetch(pool);
            Tensor a = floats(4), b = floats(4);
            p.before(a);
            p.before(b);
            assertNull(p.successorOf(a));
        }
    }

    @Test
    void readsEachKindOfWeightToItsEnd() {
        try (Arena arena = Arena.ofConfined()) {
            int rows = 300, cols = 1000; // 600 kB as f16: more than the read-ahead
            Tensor[] weights = {
                    new NativeTernary(rows, cols, 1024, arena.allocate(rows * 256L, 64), 1f),
                    new PackedTernary(rows, cols, 1024, new int[rows * 64], 1f),
                    new CpuTensors.Embedding(new F16Matrix(rows, cols, arena.allocate(2L * rows * cols, 64))),
                    new CpuTensors.Int8Head(new Int8RowMatrix(rows, cols, new byte[rows * cols], new float[rows])),
                    floats(10)};
            for (Tensor w : weights) {
                WorkerPool.IdleWork r = WeightPrefetch.reader(w);
                int steps = 0;
                while (r.step(steps)) steps++;
                long expected = w instanceof CpuTensors.Floats ? 0 : Math.min(w.bytes(), WeightPrefetch.BYTES);
                assertTrue(steps * (long) WeightPrefetch.STEP >= expected && (steps - 1) * (long) WeightPrefetch.STEP < Math.max(expected, 1),
                        w.getClass().getSimpleName() + ": " + steps + " steps for " + expected + " bytes");
                assertFalse(r.step(-1));
            }
        }
    }

    private static Tensor floats(int n) {
        return new CpuTensors.Floats(1, n, new float[n]);
    }
}
