package dev.bitnet.backend.cpu;

import dev.bitnet.backend.ForwardBatch;
import dev.bitnet.backend.KvCache;
import dev.bitnet.backend.KvCacheSpec;
import dev.bitnet.backend.KvType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * libbitnet_cpu's attention products over an f16 cache against the Vector API kernel, bit for bit: through the
 * backends (a 40-token prompt, then decode after 700 positions, which splits the sequence into ranges; blocks in
 * order and reversed; 1 and 2 threads; head dimensions 128, 32 and 48, group sizes 4 and 2 of a pass; large
 * queries), and the plain C versions of
 * both products against the vector ones on the same inputs. (AttentionTest holds the Vector API kernel to the
 * formula.)
 */
class NativeAttentionTest {
    private static final int BLOCK = 16;

    @BeforeAll
    static void requireLibrary() {
        NativeAvailability.assume();
    }

    private record Shape(int heads, int kvHeads, int headDim, float queryScale) {
    }

    @Test
    void backendsGiveTheVectorKernelsBits() {
        Shape[] shapes = {new Shape(20, 5, 128, 1f), new Shape(8, 2, 32, 1f), new Shape(4, 2, 48, 1f),
                new Shape(20, 5, 128, 3e4f)};
        java.util.List<LibBitnetCpu.Isa> sets = LibBitnetCpu.supported().stream()
                .filter(isa -> LibBitnetCpu.attnSupports(isa, BLOCK, 128)).toList();
        org.junit.jupiter.api.Assumptions.assumeFalse(sets.isEmpty(), "no kernel set here runs the native attention");
        for (LibBitnetCpu.Isa isa : sets) {
            for (Shape s : shapes) {
                for (int threads = 1; threads <= 2; threads++) {
                    try (CpuBackend vector = new CpuBackend(threads);
                         CpuBackend nat = new CpuBackend("cpu-native", new NativeKernels(isa), threads)) {
                        for (boolean inOrder : new boolean[]{false, true}) {
                            float[][] expected = run(vector, s, inOrder), actual = run(nat, s, inOrder);
                            for (int step = 0; step < expected.length; step++) {
                                assertTrue(expected[step] != null && expected[step].length > 0);
                                assertEquals(Arrays.toString(expected[step]), Arrays.toString(actual[step]),
                                        isa.label + " " + s + ", " + threads + " threads, blocks in order: " + inOrder + ", step " + step);
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * A 40-token prompt and one decoded token after 700 positions, same random inputs on every backend. The blocks
     * come in reverse order (each its own run) or in order (runs of up to a slab's 16 blocks, one native call each).
     */
    private static float[][] run(CpuBackend b, Shape s, boolean inOrder) {
        SplittableRandom rnd = new SplittableRandom(s.headDim() * 31L + s.heads());
        int kvDim = s.kvHeads() * s.headDim(), qDim = s.heads() * s.headDim(), context = 700;
        int[] table = new int[context / BLOCK + 1];
        for (int i = 0; i < table.length; i++) table[i] = inOrder ? i : table.length - 1 - i;
        float[][] out = new float[2][];
        try (KvCache cache = b.allocKvCache(new KvCacheSpec(1, s.kvHeads(), s.headDim(), BLOCK, table.length, KvType.F16))) {
            int[] starts = {0, 40, 140, 240, 340, 440, 540, 640, 700, 701}; // prompt chunks, then one decoded token
            for (int c = 0; c + 1 < starts.length; c++) {
                int start = starts[c], n = starts[c + 1] - start;
                b.beginStep(ForwardBatch.single(new int[n], start, table, BLOCK));
                b.storeKv(cache, 0, random(b, n, kvDim, rnd, 1f), random(b, n, kvDim, rnd, 1f));
                CpuTensors.Floats q = random(b, n, qDim, rnd, s.queryScale());
                CpuTensors.Floats o = (CpuTensors.Floats) b.allocActivations(n, qDim);
                b.attention(q, cache, 0, s.heads(), s.headDim(), o);
                if (c == 0) out[0] = o.data().clone();
                if (start == context) out[1] = o.data().clone();
            }
        }
        return out;
    }

    private static CpuTensors.Floats random(CpuBackend b, int rows, int cols, SplittableRandom rnd, float scale) {
        CpuTensors.Floats t = (CpuTensors.Floats) b.allocActivations(rows, cols);
        for (int i = 0; i < rows * cols; i++) t.data()[i] = (float) rnd.nextGaussian() * scale;
        return t;
    }

    /** The plain C products (what other shapes and CPUs would run) give the vector code's bits on one run of blocks. */
    @Test
    void plainCGivesTheVectorCodesBits() {
        LibBitnetCpu.Isa vectorIsa = LibBitnetCpu.supported().getFirst();
        org.junit.jupiter.api.Assumptions.assumeTrue(LibBitnetCpu.attnSupports(vectorIsa, BLOCK, 64), "no vector attention here");
        SplittableRandom rnd = new SplittableRandom(5);
        int headDim = 64, rows = 3 * BLOCK + 5;
        short[] keys = new short[4 * BLOCK * headDim], values = new short[4 * BLOCK * headDim];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = Float.floatToFloat16((float) rnd.nextGaussian());
            values[i] = Float.floatToFloat16((float) rnd.nextGaussian() * (i % 7 == 0 ? 1e-6f : 1f)); // some subnormal
        }
        float[] q = new float[4 * headDim], w = new float[4 * rows];
        for (int i = 0; i < q.length; i++) q[i] = (float) rnd.nextGaussian();
        for (int i = 0; i < w.length; i++) w[i] = (float) rnd.nextDouble();
        float[][] scores = new float[2][4 * rows], sums = new float[2][4 * headDim];
        LibBitnetCpu.Isa[] sets = {vectorIsa, LibBitnetCpu.Isa.PLAIN_C};
        for (int i = 0; i < 2; i++) {
            LibBitnetCpu.attnScores(sets[i], MemorySegment.ofArray(keys), BLOCK, rows, MemorySegment.ofArray(q), headDim,
                    0.125f, MemorySegment.ofArray(scores[i]), rows);
            LibBitnetCpu.attnSums(sets[i], MemorySegment.ofArray(values), BLOCK, rows, MemorySegment.ofArray(w), headDim,
                    MemorySegment.ofArray(sums[i]));
        }
        assertEquals(Arrays.toString(scores[0]), Arrays.toString(scores[1]), "scores");
        assertEquals(Arrays.toString(sums[0]), Arrays.toString(sums[1]), "sums");
        // and they are the products: one score and one sum in double precision
        double score = 0, sum = 0;
        for (int d = 0; d < headDim; d++) score += (double) Float.float16ToFloat(keys[d * BLOCK + 1]) * q[4 * d + 2];
        for (int r = 0; r < rows; r++) sum += (double) w[4 * r + 3] * Float.float16ToFloat(values[r * headDim + 5]);
        assertEquals(score * 0.125, scores[0][2 * rows + 1], 1e-5);
        assertEquals(sum, sums[0][3 * headDim + 5], 1e-4);
    }
}
