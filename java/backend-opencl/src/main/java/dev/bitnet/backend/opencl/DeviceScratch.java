package dev.bitnet.backend.opencl;

import org.jocl.Pointer;
import org.jocl.cl_mem;

/**
 * A device buffer reused across steps that grows (doubling) when a step needs more: per-step inputs (token ids,
 * positions, block tables), quantised activations, attention scores, logits.
 */
final class DeviceScratch {
    private final ClRuntime rt;
    private final String what;
    private cl_mem mem;
    private long capacity;

    DeviceScratch(ClRuntime rt, String what) {
        this.rt = rt;
        this.what = what;
    }

    /** The buffer, at least {@code bytes} long; its contents are lost when it grows. */
    cl_mem ensure(long bytes) {
        if (mem == null || capacity < bytes) {
            if (mem != null) rt.free(mem);
            capacity = Math.max(bytes, 2 * capacity);
            mem = rt.alloc(capacity, what);
        }
        return mem;
    }

    /** Uploads {@code values} to the start of the buffer (grown as needed) and returns it. */
    cl_mem upload(int[] values) {
        cl_mem m = ensure(4L * values.length);
        rt.write(m, 0, Pointer.to(values), 4L * values.length);
        return m;
    }
}
