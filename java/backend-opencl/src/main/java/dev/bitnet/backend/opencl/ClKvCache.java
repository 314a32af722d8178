package dev.bitnet.backend.opencl;

import dev.bitnet.backend.KvCache;
import dev.bitnet.backend.KvCacheSpec;
import org.jocl.cl_mem;

/**
 * The paged KV cache on the device: one key and one value buffer, each [layer][slot][kvDim] of the cache type (see
 * kernels/opencl/kv_cache.cl).
 */
final class ClKvCache implements KvCache {
    private final KvCacheSpec spec;
    private final ClRuntime rt;
    final cl_mem keys, values;

    ClKvCache(KvCacheSpec spec, ClRuntime rt) {
        this.spec = spec;
        this.rt = rt;
        long half = spec.bytes() / 2;
        keys = rt.alloc(half, "the KV cache's keys");
        try {
            values = rt.alloc(half, "the KV cache's values");
        } catch (RuntimeException e) {
            rt.free(keys);
            throw e;
        }
    }

    /** Element offset of a layer's first slot. */
    long layerBase(int layer) {
        return (long) layer * spec.slots() * spec.kvDim();
    }

    @Override
    public KvCacheSpec spec() {
        return spec;
    }

    @Override
    public void close() {
        rt.free(keys);
        rt.free(values);
    }
}
