package dev.bitnet.backend.cpu;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The worker pool covers every item exactly once in contiguous pieces (long ranges cut at multiples of 4), for any
 * size and thread count, and rethrows;
 * idle work runs each step once between tasks, never holds up a task, and a failing step only ends it.
 */
class WorkerPoolTest {
    @Test
    void everyItemRunsOnceAcrossManyTasks() {
        for (int threads : new int[]{1, 2, 3, 5}) {
            try (WorkerPool pool = new WorkerPool(threads)) {
                for (int n : new int[]{0, 1, 2, 3, 7, 31, 64, 65, 1000, 128256}) {
                    AtomicIntegerArray hits = new AtomicIntegerArray(Math.max(n, 1));
                    pool.run(n, (from, to, worker) -> {
                        assertTrue(from < to && worker >= 0 && worker < threads, from + ".." + to + " on " + worker);
                        if (n >= 4 * threads * WorkerPool.MIN_PIECES_PER_THREAD) { // matrix rows: whole groups of 4
                            assertEquals(0, from % 4, "piece " + from + ".." + to + " of " + n);
                        }
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

    /** A run whose own piece fails still waits for the workers: none is left inside its task when it throws. */
    @Test
    void aRunThatFailsOnTheCallingThreadLeavesNoWorkerInsideItsTask() {
        try (WorkerPool pool = new WorkerPool(2)) {
            java.util.concurrent.atomic.AtomicInteger inside = new java.util.concurrent.atomic.AtomicInteger();
            assertThrows(IllegalStateException.class, () -> pool.run(1000, (from, to, worker) -> {
                inside.incrementAndGet();
                try {
                    if (worker == 0) { // the calling thread fails once the other worker is busy in a piece
                        long deadline = System.nanoTime() + 2_000_000_000L;
                        while (inside.get() < 2 && System.nanoTime() < deadline) Thread.onSpinWait();
                        throw new IllegalStateException("boom");
                    }
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    inside.decrementAndGet();
                }
            }));
            assertEquals(0, inside.get(), "a worker still inside the failed run's task");
        }
    }

    @Test
    void idleWorkRunsEachStepOnceAndYieldsToTasks() throws InterruptedException {
        for (int threads : new int[]{2, 3}) {
            try (WorkerPool pool = new WorkerPool(threads)) {
                AtomicIntegerArray steps = new AtomicIntegerArray(101);
                pool.whileIdle(i -> {
                    if (i >= 100) return false;
                    steps.incrementAndGet(i);
                    return true;
                });
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (steps.get(99) == 0 && System.nanoTime() < deadline) Thread.sleep(1);
                Thread.sleep(20);
                for (int i = 0; i < 101; i++) assertEquals(i < 100 ? 1 : 0, steps.get(i), "step " + i + ", " + threads + " threads");
                // work that never ends, or fails, still leaves every task to run
                pool.whileIdle(i -> true);
                checkRun(pool, 1000, threads);
                pool.whileIdle(i -> {
                    throw new IllegalStateException("boom");
                });
                checkRun(pool, 1000, threads);
                pool.whileIdle(i -> false);
            }
        }
    }

    private static void checkRun(WorkerPool pool, int n, int threads) {
        AtomicIntegerArray hits = new AtomicIntegerArray(n);
        pool.run(n, (from, to, worker) -> {
            for (int i = from; i < to; i++) hits.incrementAndGet(i);
        });
        for (int i = 0; i < n; i++) assertEquals(1, hits.get(i), "item " + i + ", " + threads + " threads");
    }
}
