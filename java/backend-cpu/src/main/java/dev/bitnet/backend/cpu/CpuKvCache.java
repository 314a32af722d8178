package dev.bitnet.backend.cpu;

import dev.bitnet.backend.KvCache;
import dev.bitnet.backend.KvCacheSpec;
import dev.bitnet.backend.KvType;

/**
 * The CPU KV cache: per layer and per block, keys and values as [kvHead][row][headDim] (so attention streams one KV
 * head's rows contiguously; with the heads interleaved per row it read 2 GB/s from memory at 1024 positions), stored
 * as f16 bits ({@code short[]}) or f32 ({@code float[]}) according to the spec. A block's arrays are allocated when a
 * slot of it is first written, so a cache sized for a long context costs memory only for the positions in use.
 */
final class CpuKvCache implements KvCache {
    final KvCacheSpec spec;
    private final boolean half;
    private final int blockValues;
    /** [layer][block]: a short[] or float[] of blockSize * kvDim values, null until the block is written. */
    private final Object[][] keys, values;

    CpuKvCache(KvCacheSpec spec) {
        this.spec = spec;
        this.half = spec.type() == KvType.F16;
        this.blockValues = Math.multiplyExact(spec.blockSize(), spec.kvDim());
        this.keys = new Object[spec.layers()][spec.numBlocks()];
        this.values = new Object[spec.layers()][spec.numBlocks()];
    }

    /** Stores a slot's key and value rows ({@code kvDim} values each, head after head, rounded to the cache type). */
    void store(int layer, int slot, float[] key, int keyOffset, float[] value, int valueOffset) {
        int row = slot % spec.blockSize(), d = spec.headDim();
        Object k = block(keys, layer, slot), v = block(values, layer, slot);
        for (int h = 0; h < spec.kvHeads(); h++) {
            int at = offset(h, row), from = h * d;
            if (half) {
                short[] kk = (short[]) k, vv = (short[]) v;
                for (int j = 0; j < d; j++) {
                    kk[at + j] = Float.floatToFloat16(key[keyOffset + from + j]);
                    vv[at + j] = Float.floatToFloat16(value[valueOffset + from + j]);
                }
            } else {
                System.arraycopy(key, keyOffset + from, (float[]) k, at, d);
                System.arraycopy(value, valueOffset + from, (float[]) v, at, d);
            }
        }
    }

    /** Physical block {@code block}'s key array ({@link #offset}), allocated if it was never written. */
    Object keyBlockAt(int layer, int block) {
        return blockAt(keys, layer, block);
    }

    Object valueBlockAt(int layer, int block) {
        return blockAt(values, layer, block);
    }

    /** Where KV head {@code kvHead} of row {@code row} (headDim values) starts in a block's array. */
    int offset(int kvHead, int row) {
        return (kvHead * spec.blockSize() + row) * spec.headDim();
    }

    private Object block(Object[][] store, int layer, int slot) {
        return blockAt(store, layer, slot / spec.blockSize());
    }

    private Object blockAt(Object[][] store, int layer, int b) {
        Object a = store[layer][b];
        if (a == null) store[layer][b] = a = half ? new short[blockValues] : new float[blockValues];
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
