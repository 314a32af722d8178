package dev.bitnet.backend.reference;

import dev.bitnet.backend.KvCache;
import dev.bitnet.backend.KvCacheSpec;

/**
 * The reference KV cache: for each layer, K and V as f32 arrays of [slot][kvDim]; values are rounded to the spec's
 * type when stored, so an f16 cache gives exactly the numbers an f16 store would.
 */
final class RefKvCache implements KvCache {
    final KvCacheSpec spec;
    final float[][] keys;
    final float[][] values;

    RefKvCache(KvCacheSpec spec) {
        this.spec = spec;
        long perLayer = spec.slots() * spec.kvDim();
        if (perLayer > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("KV cache too large for the reference backend");
        keys = new float[spec.layers()][(int) perLayer];
        values = new float[spec.layers()][(int) perLayer];
    }

    @Override
    public KvCacheSpec spec() {
        return spec;
    }

    @Override
    public void close() {
    }
}
