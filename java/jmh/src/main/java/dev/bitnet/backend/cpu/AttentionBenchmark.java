package dev.bitnet.backend.cpu;

import dev.bitnet.backend.ForwardBatch;
import dev.bitnet.backend.KvCache;
import dev.bitnet.backend.KvCacheSpec;
import dev.bitnet.backend.KvType;
import org.openjdk.jmh.annotations.*;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * 2B4T's decode attention on one thread (20 query heads over 5 KV heads of 128 dimensions), for one token after
 * {@code positions} tokens of context in the cache: the scores, softmax and value sums of {@code layers} layers, one
 * after the other. With one layer the cache stays in the CPU's caches (what the kernel computes per position); with
 * 30 (2B4T's, 79 MB of f16 context at 1024 positions) it comes from memory as in a real decode step, its blocks
 * allocated in the order a chunked prompt writes them (128 positions at a time, layer after layer). {@code kernel}
 * picks the Vector API's block products or libbitnet_cpu's (F16C, the {@code cpu-native} backend's).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class AttentionBenchmark {
    private static final int HEADS = 20, KV_HEADS = 5, HEAD_DIM = 128, BLOCK = 16;

    @Param({"128", "1024"})
    public int positions;

    @Param({"F16", "F32"})
    public KvType type;

    @Param({"1", "30"})
    public int layers;

    /** Whose f16 block products: the Vector API kernel's, or libbitnet_cpu's (cpu-native; F32 runs the Java kernel). */
    @Param({"vector", "native"})
    public String kernel;

    private CpuBackend backend;
    private KvCache cache;
    private CpuTensors.Floats q, out;
    private ForwardBatch decode;

    @Setup
    public void setup() {
        SplittableRandom r = new SplittableRandom(3);
        int blocks = positions / BLOCK + 1;
        int[] table = new int[blocks];
        for (int b = 0; b < blocks; b++) table[b] = b;
        backend = kernel.equals("native")
                ? new CpuBackend("cpu-native", new NativeKernels(LibBitnetCpu.supported().getFirst()), 1)
                : new CpuBackend(1);
        cache = backend.allocKvCache(new KvCacheSpec(layers, KV_HEADS, HEAD_DIM, BLOCK, blocks, type));
        // the context: keys and values of positions 0..positions-1, stored as a chunked prompt would
        int kvDim = KV_HEADS * HEAD_DIM, chunk = 128;
        for (int start = 0; start < positions; start += chunk) {
            int n = Math.min(chunk, positions - start);
            backend.beginStep(ForwardBatch.single(new int[n], start, table, BLOCK));
            for (int l = 0; l < layers; l++) backend.storeKv(cache, l, random(n, kvDim, r), random(n, kvDim, r));
        }
        decode = ForwardBatch.single(new int[1], positions, table, BLOCK);
        backend.beginStep(decode);
        for (int l = 0; l < layers; l++) backend.storeKv(cache, l, random(1, kvDim, r), random(1, kvDim, r));
        q = random(1, HEADS * HEAD_DIM, r);
        out = new CpuTensors.Floats(1, HEADS * HEAD_DIM, new float[HEADS * HEAD_DIM]);
    }

    private static CpuTensors.Floats random(int rows, int cols, SplittableRandom r) {
        float[] data = new float[rows * cols];
        for (int i = 0; i < data.length; i++) data[i] = (float) r.nextGaussian();
        return new CpuTensors.Floats(rows, cols, data);
    }

    @TearDown
    public void close() {
        backend.close();
    }

    @Benchmark
    public float[] decode() {
        backend.beginStep(decode);
        for (int l = 0; l < layers; l++) backend.attention(q, cache, l, HEADS, HEAD_DIM, out);
        return out.data();
    }
}
