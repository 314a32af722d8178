package dev.bitnet.backend.cpu;

import dev.bitnet.backend.Tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Reads ahead the next weight matrix while the caller computes alone. Between two matrix products of a decode step
 * (RMSNorm, quantisation, RoPE, the residual add, sampling: about 2 ms of a 2B4T token on the AVX2 VM) the other
 * workers would only spin and the memory bus would idle; instead they read the first {@link #BYTES} of the matrix
 * that comes next, one byte per cache line, so its first chunks come from cache when the product starts. Which
 * matrix comes next is learned, not told: the forward pass multiplies its matrices in the same order every step, so
 * the one that followed a matrix last time is read ahead after it.
 */
final class WeightPrefetch {
    /** How much of the next matrix to read ahead: a few idle microseconds' worth, well inside the L2 and L3. */
    static final int BYTES = 512 << 10;
    /** Bytes read in one step of idle work (a microsecond or so). */
    static final int STEP = 16 << 10;
    private static final int LINE = 64;

    private final WorkerPool pool;
    private final Map<Tensor, Reader> successors = new IdentityHashMap<>();
    private Tensor last;

    WeightPrefetch(WorkerPool pool) {
        this.pool = pool;
    }

    /** {@code matrix} is about to be multiplied: it becomes the successor of the one before. */
    void before(Tensor matrix) {
        if (pool.threads() == 1) return;
        if (last != null) {
            Reader r = successors.get(last);
            if (r == null || r.matrix != matrix) successors.put(last, new Reader(matrix));
        }
        last = matrix;
    }

    /** {@code matrix} has been multiplied: the idle workers read ahead the matrix that followed it last time. */
    void after(Tensor matrix) {
        Reader next = successors.get(matrix);
        if (next != null) pool.whileIdle(next);
    }

    /** The matrix read ahead after {@code matrix}, or null. */
    Tensor successorOf(Tensor matrix) {
        Reader r = successors.get(matrix);
        return r == null ? null : r.matrix;
    }

    /** A reader of {@code matrix}'s first bytes, as the idle workers run it. */
    static WorkerPool.IdleWork reader(Tensor matrix) {
        return new Reader(matrix);
    }

    /** Reads one matrix's first bytes, a step of {@link #STEP} at a time. */
    private static final class Reader implements WorkerPool.IdleWork {
        final Tensor matrix;
        private final long bytes;
        @SuppressWarnings("unused")
        private volatile int sink; // keeps the reads

        Reader(Tensor matrix) {
            this.matrix = matrix;
            this.bytes = Math.min(BYTES, matrix.bytes());
        }

        @Override
        public boolean step(int index) {
            long from = (long) index * STEP;
            if (index < 0 || from >= bytes) return false;
            long to = Math.min(bytes, from + STEP);
            int s = 0;
            switch (matrix) {
                case NativeTernary t -> s = touch(t.codes(), from, to);
                case CpuTensors.Embedding e -> s = touch(e.matrix().data(), from, to);
                case PackedTernary p -> {
                    for (int i = (int) (from / 4); i < to / 4; i += LINE / 4) s += p.codes()[i];
                }
                case CpuTensors.Int8Head h -> {
                    for (int i = (int) from; i < Math.min(to, h.matrix().q().length); i += LINE) s += h.matrix().q()[i];
                }
                default -> {
                    return false;
                }
            }
            sink = s;
            return true;
        }

        private static int touch(MemorySegment m, long from, long to) {
            int s = 0;
            for (long at = from; at < to; at += LINE) s += m.get(ValueLayout.JAVA_BYTE, at);
            return s;
        }
    }
}
