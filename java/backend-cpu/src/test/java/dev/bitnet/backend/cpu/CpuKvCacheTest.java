package dev.bitnet.backend.cpu;

import dev.bitnet.backend.KvCacheSpec;
import dev.bitnet.backend.KvType;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * The slab layout of the CPU KV cache: every slot's key and value land where {@link CpuKvCache#keyOffset} and
 * {@link CpuKvCache#offset} say, in the slab of their block and KV head, across slab boundaries and in a last slab
 * that holds fewer blocks than the others; nothing written elsewhere.
 */
class CpuKvCacheTest {
    private static final int LAYERS = 2, KV_HEADS = 3, HEAD_DIM = 5, BLOCK = 4;
    private static final int BLOCKS = CpuKvCache.SLAB_BLOCKS + 3; // a full slab and a short one

    /** A value no two (layer, slot, head, dimension, key or value) share: a distinct positive finite half. */
    private static float mark(int layer, int slot, int head, int dim, boolean key) {
        int index = (((layer * BLOCKS * BLOCK + slot) * KV_HEADS + head) * HEAD_DIM + dim) * 2 + (key ? 0 : 1);
        return Float.float16ToFloat((short) (index + 1)); // 4,560 of the 31,743 such halves
    }

    @Test
    void everySlotLandsWhereTheOffsetsSay() {
        for (KvType type : KvType.values()) {
            CpuKvCache cache = new CpuKvCache(new KvCacheSpec(LAYERS, KV_HEADS, HEAD_DIM, BLOCK, BLOCKS, type));
            int kvDim = KV_HEADS * HEAD_DIM;
            for (int layer = 0; layer < LAYERS; layer++) {
                for (int slot = 0; slot < BLOCKS * BLOCK; slot++) {
                    float[] k = new float[kvDim], v = new float[kvDim];
                    for (int h = 0; h < KV_HEADS; h++) {
                        for (int d = 0; d < HEAD_DIM; d++) {
                            k[h * HEAD_DIM + d] = mark(layer, slot, h, d, true);
                            v[h * HEAD_DIM + d] = mark(layer, slot, h, d, false);
                        }
                    }
                    cache.store(layer, slot, k, 0, v, 0);
                }
            }
            for (int layer = 0; layer < LAYERS; layer++) {
                for (int slot = 0; slot < BLOCKS * BLOCK; slot++) {
                    int block = slot / BLOCK, row = slot % BLOCK;
                    for (int h = 0; h < KV_HEADS; h++) {
                        Object keys = cache.keys(layer, h, block), values = cache.values(layer, h, block);
                        for (int d = 0; d < HEAD_DIM; d++) {
                            String where = type + " layer " + layer + " slot " + slot + " head " + h + " dim " + d;
                            assertEquals(mark(layer, slot, h, d, true), get(keys, cache.keyOffset(block) + d * BLOCK + row), where);
                            assertEquals(mark(layer, slot, h, d, false), get(values, cache.offset(block, row) + d), where);
                        }
                    }
                }
            }
            // blocks of one slab share an array; the short last slab holds just its blocks
            assertSame(cache.keys(0, 1, 0), cache.keys(0, 1, CpuKvCache.SLAB_BLOCKS - 1));
            assertNotSame(cache.keys(0, 1, 0), cache.keys(0, 1, CpuKvCache.SLAB_BLOCKS));
            assertNotSame(cache.keys(0, 1, 0), cache.keys(0, 2, 0));
            assertEquals(3 * BLOCK * HEAD_DIM, length(cache.values(1, 2, BLOCKS - 1)));
        }
    }

    private static float get(Object a, int at) {
        return a instanceof short[] h ? Float.float16ToFloat(h[at]) : ((float[]) a)[at];
    }

    private static int length(Object a) {
        return a instanceof short[] h ? h.length : ((float[]) a).length;
    }
}
