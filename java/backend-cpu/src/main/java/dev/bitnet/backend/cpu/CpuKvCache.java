package dev.bitnet.backend.cpu;

import dev.bitnet.backend.KvCache;
import dev.bitnet.backend.KvCacheSpec;
import dev.bitnet.backend.KvType;

/**
 * The CPU KV cache: keys and values per layer and KV head in slabs of {@link #SLAB_BLOCKS} consecutive blocks, each
 * slab one array, values as [block][row][headDim] and keys transposed within a block, [block][headDim][row] (so the
 * scores of a block's rows are vector lanes, see {@link AttentionKernel}), stored as f16 bits ({@code short[]}) or
 * f32 ({@code float[]}) according to the spec. So attention, which walks one KV head's rows of a sequence, streams them contiguously across block
 * boundaries wherever the sequence's blocks are consecutive (as the block allocator hands them out): with one array
 * per block and the heads side by side, it read 4 KB runs 20 KB apart, and a decode step read its context from
 * memory at under 4 GB/s on one thread. A slab is allocated when a slot of it is first written, so a cache sized for
 * a long context costs memory only for the positions in use (rounded up to a slab).
 */
final class CpuKvCache implements KvCache {
    /** Blocks per slab: 16 blocks of 16 positions are 64 KB of f16 keys per KV head. */
    static final int SLAB_BLOCKS = 16;
    final KvCacheSpec spec;
    private final boolean half;
    /** [layer][kvHead][slab]: a short[] or float[] of up to SLAB_BLOCKS * blockSize * headDim values, null until written. */
    private final Object[][][] keys, values;

    CpuKvCache(KvCacheSpec spec) {
        this.spec = spec;
        this.half = spec.type() == KvType.F16;
        int slabs = (spec.numBlocks() + SLAB_BLOCKS - 1) / SLAB_BLOCKS;
        this.keys = new Object[spec.layers()][spec.kvHeads()][slabs];
        this.values = new Object[spec.layers()][spec.kvHeads()][slabs];
    }

    /** Stores a slot's key and value rows ({@code kvDim} values each, head after head, rounded to the cache type). */
    void store(int layer, int slot, float[] key, int keyOffset, float[] value, int valueOffset) {
        int block = slot / spec.blockSize(), row = slot % spec.blockSize(), d = spec.headDim(), bs = spec.blockSize();
        int at = offset(block, row), keyAt = keyOffset(block) + row;
        for (int h = 0; h < spec.kvHeads(); h++) {
            Object k = keys(layer, h, block), v = values(layer, h, block);
            int from = h * d;
            if (half) {
                short[] kk = (short[]) k, vv = (short[]) v;
                for (int j = 0; j < d; j++) {
                    kk[keyAt + j * bs] = Float.floatToFloat16(key[keyOffset + from + j]);
                    vv[at + j] = Float.floatToFloat16(value[valueOffset + from + j]);
                }
            } else {
                float[] kk = (float[]) k;
                for (int j = 0; j < d; j++) kk[keyAt + j * bs] = key[keyOffset + from + j];
                System.arraycopy(value, valueOffset + from, (float[]) v, at, d);
            }
        }
    }

    /** The array holding KV head {@code kvHead}'s keys of physical block {@code block} ({@link #keyOffset}). */
    Object keys(int layer, int kvHead, int block) {
        return slab(keys, layer, kvHead, block);
    }

    Object values(int layer, int kvHead, int block) {
        return slab(values, layer, kvHead, block);
    }

    /**
     * How many of the blocks {@code table[b], table[b + 1], ...} (at most {@code most}) follow each other in one slab,
     * so that their keys and values are each one stretch of an array (a run).
     */
    int run(int[] table, int b, int most) {
        int first = table[b], n = 1;
        while (n < most && table[b + n] == first + n && (first + n) / SLAB_BLOCKS == first / SLAB_BLOCKS) n++;
        return n;
    }

    /** Where value row {@code row} of physical block {@code block} (headDim values) starts in its slab. */
    int offset(int block, int row) {
        return (block % SLAB_BLOCKS * spec.blockSize() + row) * spec.headDim();
    }

    /** Where physical block {@code block}'s keys start in their slab: dimension d of row r at {@code + d * blockSize + r}. */
    int keyOffset(int block) {
        return block % SLAB_BLOCKS * spec.blockSize() * spec.headDim();
    }

    /** The slab of a block, allocated (zeroed, sized to the blocks that exist) if it was never written. */
    private Object slab(Object[][][] store, int layer, int kvHead, int block) {
        int s = block / SLAB_BLOCKS;
        Object a = store[layer][kvHead][s];
        if (a == null) {
            int blocks = Math.min(SLAB_BLOCKS, spec.numBlocks() - s * SLAB_BLOCKS);
            int n = Math.multiplyExact(blocks * spec.blockSize(), spec.headDim());
            store[layer][kvHead][s] = a = half ? new short[n] : new float[n];
        }
        return a;
    }

    @Override
    public KvCacheSpec spec() {
        return spec;
    }

    @Override
    public void close() {
    }
}
