package dev.bitnet.backend.cpu;

import dev.bitnet.quant.F16Matrix;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import org.openjdk.jmh.annotations.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The f16 LM head on one thread, over 16,384 rows of 2560 (1/7.8 of 2B4T's vocabulary), four ways: the Vector API
 * kernel in use (two halves per int lane, rebased by a multiply), the exact general widening of {@link HalfFloats}, a
 * plain loop over {@code Float.float16ToFloat}, and libbitnet_cpu's best kernel set (F16C {@code vcvtph2ps} + FMA).
 * Shows what the f16 conversion costs where the Vector API has no f16 operation. The {@code ...EightStates} pair is
 * a batched decode's head: both backends' kernels against eight hidden states at once (compare with 8x the
 * one-state time).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class LmHeadBenchmark {
    private static final int ROWS = 16384, DIM = 2560, STATES = 8;
    private F16Matrix embedding;
    private float[] x;
    private LmHeadKernel.Split split;
    private NativeKernels nativeKernels;
    private CpuTensors.Embedding head;
    private final float[] logits = new float[ROWS], batchLogits = new float[STATES * ROWS];
    private NativeKernels nativeBatch;
    private final VectorKernels vectorBatch = new VectorKernels();

    @Setup
    public void setup() {
        SplittableRandom r = new SplittableRandom(2);
        MemorySegment m = Arena.ofAuto().allocate((long) ROWS * DIM * 2, 64);
        for (long i = 0; i < (long) ROWS * DIM; i++) m.set(F16Matrix.F16, 2 * i, Float.floatToFloat16((float) r.nextGaussian()));
        embedding = new F16Matrix(ROWS, DIM, m);
        x = new float[DIM];
        for (int i = 0; i < DIM; i++) x[i] = (float) r.nextGaussian();
        split = LmHeadKernel.split(x, 0, DIM);
        head = new CpuTensors.Embedding(embedding);
        float[] states = new float[STATES * DIM];
        for (int i = 0; i < states.length; i++) states[i] = (float) r.nextGaussian();
        int[] all = new int[STATES];
        for (int k = 0; k < STATES; k++) all[k] = k;
        vectorBatch.prepareHead(states, all, head);
        if (LibBitnetCpu.unavailableReason() == null) {
            nativeKernels = new NativeKernels(LibBitnetCpu.supported().getFirst());
            nativeKernels.prepareHead(x, new int[]{0}, head);
            nativeBatch = new NativeKernels(LibBitnetCpu.supported().getFirst());
            nativeBatch.prepareHead(states, all, head);
        }
    }

    @Benchmark
    public float[] nativeF16cEightStates() {
        if (nativeBatch == null) throw new IllegalStateException(LibBitnetCpu.unavailableReason());
        nativeBatch.headRows(head, 0, ROWS, batchLogits);
        return batchLogits;
    }

    @Benchmark
    public float[] vectorApiEightStates() {
        vectorBatch.headRows(head, 0, ROWS, batchLogits);
        return batchLogits;
    }

    @Benchmark
    public float[] nativeF16c() {
        if (nativeKernels == null) throw new IllegalStateException(LibBitnetCpu.unavailableReason());
        nativeKernels.headRows(head, 0, ROWS, logits);
        return logits;
    }

    @Benchmark
    public float pairedLanes() {
        float s = 0;
        for (int v = 0; v < ROWS; v++) s += LmHeadKernel.dot(embedding, v, split);
        return s;
    }

    @Benchmark
    public float exactWidening() {
        float s = 0;
        for (int v = 0; v < ROWS; v++) {
            FloatVector acc = FloatVector.zero(HalfFloats.F);
            for (int i = 0; i < DIM; i += HalfFloats.F.length()) {
                acc = HalfFloats.load(embedding.data(), ((long) v * DIM + i) * 2).fma(FloatVector.fromArray(HalfFloats.F, x, i), acc);
            }
            s += acc.reduceLanes(VectorOperators.ADD);
        }
        return s;
    }

    @Benchmark
    public float scalar() {
        float s = 0;
        for (int v = 0; v < ROWS; v++) {
            float acc = 0;
            for (int i = 0; i < DIM; i++) acc += embedding.get(v, i) * x[i];
            s += acc;
        }
        return s;
    }
}
