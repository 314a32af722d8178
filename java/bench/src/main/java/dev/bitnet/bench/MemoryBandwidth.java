package dev.bitnet.bench;

import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.concurrent.CountDownLatch;

/**
 * A STREAM-like read test: {@code threads} threads each sum their share of a buffer far larger than the caches with
 * wide vector loads; the best of several passes gives the machine's sustainable read bandwidth, the ceiling of
 * batch-1 decoding (which reads every weight once per token).
 */
public final class MemoryBandwidth {
    private static final VectorSpecies<Long> S = LongVector.SPECIES_PREFERRED;
    private static volatile long sink;

    private MemoryBandwidth() {
    }

    /** Read bandwidth in bytes per second. */
    public static double measure(int threads, long bufferBytes, int passes) {
        try (Arena arena = Arena.ofShared()) {
            long bytes = bufferBytes / (threads * (long) S.vectorByteSize() * 4) * (threads * (long) S.vectorByteSize() * 4);
            MemorySegment buffer = arena.allocate(bytes, 64);
            for (long i = 0; i < bytes; i += 8) buffer.set(java.lang.foreign.ValueLayout.JAVA_LONG, i, i);
            for (int w = 0; w < 3; w++) readInParallel(buffer.asSlice(0, Math.min(bytes, 1L << 24)), threads); // JIT warm-up
            double best = 0;
            for (int p = 0; p < passes; p++) {
                long t0 = System.nanoTime();
                readInParallel(buffer, threads);
                double seconds = (System.nanoTime() - t0) / 1e9;
                best = Math.max(best, bytes / seconds);
            }
            return best;
        }
    }

    private static void readInParallel(MemorySegment buffer, int threads) {
        long share = buffer.byteSize() / threads;
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            MemorySegment part = buffer.asSlice(t * share, share);
            Thread.ofPlatform().daemon().start(() -> {
                sink += sum(part);
                done.countDown();
            });
        }
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sums a segment with four independent vector accumulators (enough loads in flight to saturate memory). */
    private static long sum(MemorySegment m) {
        int step = S.vectorByteSize();
        LongVector a = LongVector.zero(S), b = a, c = a, d = a;
        for (long i = 0; i < m.byteSize(); i += 4L * step) {
            a = a.add(LongVector.fromMemorySegment(S, m, i, ByteOrder.LITTLE_ENDIAN));
            b = b.add(LongVector.fromMemorySegment(S, m, i + step, ByteOrder.LITTLE_ENDIAN));
            c = c.add(LongVector.fromMemorySegment(S, m, i + 2L * step, ByteOrder.LITTLE_ENDIAN));
            d = d.add(LongVector.fromMemorySegment(S, m, i + 3L * step, ByteOrder.LITTLE_ENDIAN));
        }
        return a.add(b).add(c).add(d).reduceLanes(VectorOperators.ADD);
    }
}
