package dev.bitnet.backend.cpu;

import java.util.concurrent.locks.LockSupport;

/**
 * A fixed team of threads that run one range-split task at a time: the caller is worker 0, the others spin briefly
 * for the next task (tasks come every few microseconds while a token is computed) and then park. The range [0, n) is
 * cut into contiguous pieces, shorter and shorter, that the workers claim in order from a counter: each thread
 * streams contiguous rows of a weight matrix, and one that started later or runs slower simply takes fewer pieces.
 * Between tasks the other workers may be given {@link IdleWork} (reading ahead the next weights, {@link WeightPrefetch}).
 */
final class WorkerPool implements AutoCloseable {
    /** The work of one piece: items [from, to) on worker {@code worker}. */
    @FunctionalInterface
    interface RangeTask {
        void run(int from, int to, int worker);
    }

    /**
     * Work for the other workers while the caller computes alone: steps 0, 1, 2, ... are claimed one at a time until
     * a step returns false or the next task comes, so a step should take a microsecond or so.
     */
    @FunctionalInterface
    interface IdleWork {
        boolean step(int index);
    }

    private static final int SPIN_LIMIT = 1 << 16;
    static final int MIN_PIECES_PER_THREAD = 16;

    private final int threads;
    private final Thread[] workers;
    private volatile RangeTask task;
    private volatile int items;
    private volatile int minPiece;
    private final java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
    private volatile long generation;
    private final java.util.concurrent.atomic.AtomicInteger pending = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean closed;
    private volatile IdleWork idleWork;
    private volatile long idleEpoch; // counts whileIdle calls, so a worker stops asking a work that said it is done
    private final java.util.concurrent.atomic.AtomicInteger idleNext = new java.util.concurrent.atomic.AtomicInteger();
    private volatile Throwable failure;

    WorkerPool(int threads) {
        this.threads = Math.max(1, threads);
        this.workers = new Thread[this.threads - 1];
        for (int w = 1; w < this.threads; w++) {
            int id = w;
            workers[w - 1] = Thread.ofPlatform().daemon().name("bitnet-cpu-" + w).start(() -> loop(id));
        }
    }

    int threads() {
        return threads;
    }

    /** Runs {@code task} over [0, n) on every worker and returns when all pieces are done. */
    void run(int n, RangeTask task) {
        if (n <= 0) return;
        if (threads == 1 || n < 2) {
            task.run(0, n, 0);
            return;
        }
        this.task = task;
        this.items = n;
        this.minPiece = minPiece(n);
        next.set(0);
        pending.set(threads - 1);
        generation++; // publishes task and items to the workers
        for (Thread t : workers) LockSupport.unpark(t);
        Throwable thrown = null;
        try {
            piece(0, n, task);
        } catch (Throwable e) {
            thrown = e;
            next.set(n); // the others take no further piece of a failed run
        }
        // Even when this thread's piece failed: a worker still inside this run's task would go on claiming pieces
        // of the next run's counter with this run's task.
        while (pending.get() > 0) Thread.onSpinWait();
        Throwable f = thrown != null ? thrown : failure;
        if (f != null) {
            failure = null;
            if (f instanceof RuntimeException r) throw r;
            if (f instanceof Error e) throw e;
            throw new IllegalStateException(f);
        }
    }

    /**
     * Hands {@code work} to the other workers (replacing any earlier idle work) until it is done; tasks of
     * {@link #run} come first, and the idle work resumes after them.
     */
    void whileIdle(IdleWork work) {
        if (threads == 1) return;
        idleWork = null;
        idleNext.set(0);
        idleWork = work;
        idleEpoch++;
        for (Thread t : workers) LockSupport.unpark(t);
    }

    /**
     * Claims contiguous pieces of [0, n) until none is left (guided self-scheduling): each piece is a 1/(2 threads)
     * share of what remains, but at least {@link #minPiece}, so the first pieces are long streams and the last ones
     * short, and a worker that started later or streams slower simply takes fewer of them. Measured on 2B4T decode
     * (AVX2 VM, 2 threads, same-process A/B alternating steps): an even split kept one worker waiting ~13 % of a step;
     * fixed chunks of 1/16 of a matrix still left it waiting at the end, and the guided pieces made steps 3.4 %
     * shorter than those chunks.
     */
    private void piece(int worker, int n, RangeTask t) {
        int min = minPiece;
        boolean groups = rowGroups(n);
        while (true) {
            int from = next.get();
            if (from >= n) return;
            int share = (n - from) / (2 * threads);
            int size = Math.max(min, groups ? share / 4 * 4 : share);
            if (next.compareAndSet(from, from + size)) t.run(from, Math.min(n, from + size), worker);
        }
    }

    /** Whether [0, n) is long enough to cut only at multiples of 4 (the native kernels' row groups). */
    private boolean rowGroups(int n) {
        return n >= 4 * threads * MIN_PIECES_PER_THREAD;
    }

    /** The smallest piece: 1/{@link #MIN_PIECES_PER_THREAD} of a worker's even share, whole row groups when long. */
    private int minPiece(int n) {
        int c = (n + threads * MIN_PIECES_PER_THREAD - 1) / (threads * MIN_PIECES_PER_THREAD);
        return rowGroups(n) ? (c + 3) / 4 * 4 : Math.max(1, c);
    }

    private void loop(int worker) {
        long seen = 0, idleDone = -1;
        while (!closed) {
            int spins = 0;
            while (generation == seen && !closed) {
                IdleWork idle = idleWork;
                long epoch = idleEpoch;
                if (idle != null && epoch != idleDone) {
                    if (idleStep(idle)) continue;
                    idleDone = epoch;
                }
                if (++spins < SPIN_LIMIT) Thread.onSpinWait();
                else LockSupport.park(this);
            }
            if (closed) return;
            seen = generation;
            try {
                piece(worker, items, task);
            } catch (Throwable e) {
                failure = e;
                next.set(items);
            } finally {
                pending.decrementAndGet();
            }
        }
    }

    /** One step of idle work; false when it is done or failed (idle work is optional: a failure only ends it). */
    private boolean idleStep(IdleWork idle) {
        try {
            return idle.step(idleNext.getAndIncrement());
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread t : workers) LockSupport.unpark(t);
    }
}
