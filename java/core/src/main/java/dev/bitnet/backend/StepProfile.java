package dev.bitnet.backend;

import java.util.Comparator;
import java.util.List;

/**
 * Where the time of a model's steps went, operation by operation, as {@link ProfilingBackend} measured it.
 *
 * @param steps the steps measured (0: no profile)
 * @param ops   one entry per kind of operation, the slowest first
 */
public record StepProfile(int steps, List<Op> ops) {
    /** No profile was taken. */
    public static final StepProfile NONE = new StepProfile(0, List.of());

    public StepProfile {
        ops = ops.stream().sorted(Comparator.comparingLong(Op::nanos).reversed()).toList();
    }

    /**
     * One kind of operation over all measured steps.
     *
     * @param name        the operation ({@code attention}, {@code rmsNorm}, ...); matrix products carry their shape,
     *                    {@code bitLinear 3840x2560} (weights sharing an input count as one product of all their rows)
     * @param calls       how often it ran
     * @param nanos       its time in total, from issue to completion
     * @param weightBytes the weight bytes its calls read in total, as the backend holds them (0: an operation without
     *                    weights)
     */
    public record Op(String name, long calls, long nanos, long weightBytes) {
        /** Milliseconds per step. */
        public double millisPerStep(int steps) {
            return nanos / 1e6 / steps;
        }

        /** Weight bytes read per second while it ran, or NaN for an operation without weights. */
        public double weightBytesPerSecond() {
            return weightBytes > 0 && nanos > 0 ? weightBytes / (nanos / 1e9) : Double.NaN;
        }
    }

    public boolean isEmpty() {
        return steps == 0;
    }

    /** The time of all operations, in milliseconds per step. */
    public double millisPerStep() {
        return steps == 0 ? 0 : totalNanos() / 1e6 / steps;
    }

    /** The share of the operations' time that {@code op} took, 0..1. */
    public double share(Op op) {
        long total = totalNanos();
        return total == 0 ? 0 : (double) op.nanos() / total;
    }

    private long totalNanos() {
        return ops.stream().mapToLong(Op::nanos).sum();
    }
}
