package dev.bitnet.backend.cpu;

import dev.bitnet.quant.TernaryMatrix;
import org.openjdk.jmh.annotations.*;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One 2B4T BitLinear matrix-vector product on one thread (all rows of one matrix): the decode kernel. Multiply the
 * per-matrix times by the 210 matrices of a token (2 each of q/o and k/v and gate/up, 1 down, per layer x 30).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class TernaryKernelBenchmark {
    @Param({"2560x2560", "640x2560", "6912x2560", "2560x6912"})
    public String shape;

    private PackedTernary weights;
    private short[] q;
    private int qSum;

    @Setup
    public void setup() {
        int rows = Integer.parseInt(shape.split("x")[0]), cols = Integer.parseInt(shape.split("x")[1]);
        SplittableRandom r = new SplittableRandom(1);
        byte[] t = new byte[rows * cols];
        for (int i = 0; i < t.length; i++) t[i] = (byte) (r.nextInt(3) - 1);
        weights = TernaryKernel.pack(new TernaryMatrix("w", rows, cols, t, 1f));
        q = new short[weights.paddedCols()];
        for (int i = 0; i < cols; i++) qSum += q[i] = (short) (r.nextInt(255) - 127);
    }

    @Benchmark
    public int matVec() {
        int sink = 0;
        for (int row = 0; row < weights.rows(); row++) sink += TernaryKernel.dot(weights, row, q, qSum);
        return sink;
    }
}
