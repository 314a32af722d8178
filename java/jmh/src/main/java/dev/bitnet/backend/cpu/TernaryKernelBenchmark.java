package dev.bitnet.backend.cpu;

import dev.bitnet.backend.Tensor;
import dev.bitnet.quant.TernaryMatrix;
import org.openjdk.jmh.annotations.*;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One 2B4T BitLinear product on one thread (all rows of one matrix, 1 token = decode, 16 = a prefill chunk), by each
 * ternary kernel: the Vector API ({@code vector}) and libbitnet_cpu's kernel sets ({@code avx512-vnni}, {@code avx2},
 * {@code c}; a set this CPU lacks fails its setup). The Vector API has no int8 multiply-add (x86 {@code vpmaddubsw} /
 * {@code vpdpbusd}), so this is where it meets its wall. Multiply the decode times by a token's 210 matrices (2 each of
 * q/o and k/v and gate/up, 1 down, per layer x 30).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class TernaryKernelBenchmark {
    @Param({"2560x2560", "640x2560", "6912x2560", "2560x6912"})
    public String shape;

    @Param({"vector", "avx512-vnni", "avx2"})
    public String kernel;

    @Param({"1", "16"})
    public int tokens;

    private MatrixKernels kernels;
    private Tensor weights;
    private float[] out;

    @Setup
    public void setup() {
        int rows = Integer.parseInt(shape.split("x")[0]), cols = Integer.parseInt(shape.split("x")[1]);
        kernels = kernel.equals("vector") ? new VectorKernels() : new NativeKernels(LibBitnetCpu.Isa.byLabel(kernel));
        if (kernels instanceof NativeKernels n && !LibBitnetCpu.supported().contains(n.isa())) {
            throw new IllegalStateException("this CPU cannot run " + kernel);
        }
        SplittableRandom r = new SplittableRandom(1);
        byte[] t = new byte[rows * cols];
        for (int i = 0; i < t.length; i++) t[i] = (byte) (r.nextInt(3) - 1);
        weights = kernels.packTernary(new TernaryMatrix("w", rows, cols, t, 1f));
        float[] x = new float[tokens * cols];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        kernels.quantize(x, tokens, weights);
        out = new float[tokens * rows];
    }

    @TearDown
    public void close() throws Exception {
        if (kernels instanceof AutoCloseable c) c.close();
    }

    @Benchmark
    public float[] product() {
        kernels.ternaryRows(weights, 0, weights.rows(), tokens, out);
        return out;
    }
}
