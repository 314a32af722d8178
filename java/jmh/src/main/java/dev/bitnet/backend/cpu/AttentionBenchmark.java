package dev.bitnet.backend.cpu;

import dev.bitnet.backend.ForwardBatch;
import dev.bitnet.backend.KvCache;
import dev.bitnet.backend.KvCacheSpec;
import dev.bitnet.backend.KvType;
import org.openjdk.jmh.annotations.*;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One layer of 2B4T's decode attention on one thread (20 query heads over 5 KV heads of 128 dimensions), for one
 * token after {@code positions} tokens of context in the cache: the scores, softmax and value sums of the whole layer.
 * Shows what attention costs per layer and per cached position as the context grows.
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
        backend = new CpuBackend(1);
        cache = backend.allocKvCache(new KvCacheSpec(1, KV_HEADS, HEAD_DIM, BLOCK, blocks, type));
        // the context: keys and values of positions 0..positions-1, stored as a prompt step would
        int kvDim = KV_HEADS * HEAD_DIM;
        backend.beginStep(ForwardBatch.single(new int[positions], 0, table, BLOCK));
        CpuTensors.Floats k = random(positions, kvDim, r), v = random(positions, kvDim, r);
        backend.storeKv(cache, 0, k, v);
        decode = ForwardBatch.single(new int[1], positions, table, BLOCK);
        backend.beginStep(decode);
        backend.storeKv(cache, 0, random(1, kvDim, r), random(1, kvDim, r));
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
    public float[] layer() {
        backend.beginStep(decode);
        backend.attention(q, cache, 0, HEADS, HEAD_DIM, out);
        return out.data();
    }
}
