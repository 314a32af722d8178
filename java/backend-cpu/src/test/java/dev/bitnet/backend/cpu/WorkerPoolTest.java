package dev.bitnet.backend.cpu;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The worker pool covers every item exactly once in contiguous chunks, for any size and thread count, and rethrows. */
class WorkerPoolTest {
    @Test
    void everyItemRunsOnceAcrossManyTasks() {
        for (int threads : new int[]{1, 2, 3, 5}) {
            try (WorkerPool pool = new WorkerPool(threads)) {
                for (int n : new int[]{0, 1, 2, 3, 7, 31, 64, 65, 1000, 128256}) {
                    AtomicIntegerArray hits = new AtomicIntegerArray(Math.max(n, 1));
                    pool.run(n, (from, to, worker) -> {
                        assertTrue(from < to && worker >= 0 && worker < threads, from + ".." + to + " on " + worker);
                        for (int i = from; i < to; i++) hits.incrementAndGet(i);
                    });
                    for (int i = 0; i < n; i++) assertEquals(1, hits.get(i), "item " + i + " of " + n + ", " + threads + " threads");
                }
            }
        }
    }

    @Test
    void aFailingPieceFailsTheRunAndThePoolGoesOn() {
        try (WorkerPool pool = new WorkerPool(2)) {
            assertThrows(IllegalStateException.class, () -> pool.run(100, (from, to, worker) -> {
                if (from <= 90 && 90 < to) throw new IllegalStateException("boom");
            }));
            AtomicIntegerArray hits = new AtomicIntegerArray(10);
            pool.run(10, (from, to, worker) -> {
                for (int i = from; i < to; i++) hits.incrementAndGet(i);
            });
            for (int i = 0; i < 10; i++) assertEquals(1, hits.get(i));
        }
    }
}
