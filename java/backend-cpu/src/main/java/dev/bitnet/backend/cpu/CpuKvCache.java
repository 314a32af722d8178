package dev.bitnet.backend.cpu;

import dev.bitnet.backend.KvCache;
import dev.bitnet.backend.KvCacheSpec;
import dev.bitnet.backend.KvType;

/**
 * The CPU KV cache: per layer and per block, keys and values as [row][kvDim], stored as f16 bits ({@code short[]})
 * or f32 ({@code float[]}) according to the spec. A block's arrays are allocated when a slot of it is first
 * written, so a cache sized for a long context costs memory only for the positions in use.
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

    /** Stores column {@code j} of a slot's key and value rows (rounded to the cache type). */
    void store(int layer, int slot, int j, float key, float value) {
        int at = rowOffset(slot) + j;
        Object k = block(keys, layer, slot), v = block(values, layer, slot);
        if (half) {
            ((short[]) k)[at] = Float.floatToFloat16(key);
            ((short[]) v)[at] = Float.floatToFloat16(value);
        } else {
            ((float[]) k)[at] = key;
            ((float[]) v)[at] = value;
        }
    }

    /** The array (short[] for f16, float[] for f32) holding a slot's key row, at {@link #rowOffset}. */
    Object keyBlock(int layer, int slot) {
        return block(keys, layer, slot);
    }

    Object valueBlock(int layer, int slot) {
        return block(values, layer, slot);
    }

    /** Where a slot's row starts in its block's array. */
    int rowOffset(int slot) {
        return slot % spec.blockSize() * spec.kvDim();
    }

    private Object block(Object[][] store, int layer, int slot) {
        int b = slot / spec.blockSize();
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
