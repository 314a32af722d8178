package dev.bitnet.backend.cpu;

import dev.bitnet.backend.KvCache;
import dev.bitnet.backend.KvCacheSpec;
import dev.bitnet.backend.KvType;

/**
 * The CPU KV cache: per layer, keys and values as [slot][kvDim], stored as f16 bits ({@code short[]}) or f32
 * ({@code float[]}) according to the spec.
 */
final class CpuKvCache implements KvCache {
    final KvCacheSpec spec;
    final short[][] keysF16, valuesF16;
    final float[][] keysF32, valuesF32;

    CpuKvCache(KvCacheSpec spec) {
        this.spec = spec;
        long perLayer = spec.slots() * spec.kvDim();
        if (perLayer > Integer.MAX_VALUE - 8) {
            throw new dev.bitnet.api.BitNetException("KV cache of " + spec.slots() + " slots is too large per layer");
        }
        boolean half = spec.type() == KvType.F16;
        int n = (int) perLayer, layers = spec.layers();
        keysF16 = half ? new short[layers][n] : null;
        valuesF16 = half ? new short[layers][n] : null;
        keysF32 = half ? null : new float[layers][n];
        valuesF32 = half ? null : new float[layers][n];
    }

    boolean half() {
        return keysF16 != null;
    }

    void store(int layer, int offset, float key, float value) {
        if (half()) {
            keysF16[layer][offset] = Float.floatToFloat16(key);
            valuesF16[layer][offset] = Float.floatToFloat16(value);
        } else {
            keysF32[layer][offset] = key;
            valuesF32[layer][offset] = value;
        }
    }

    @Override
    public KvCacheSpec spec() {
        return spec;
    }

    @Override
    public void close() {
    }
}
