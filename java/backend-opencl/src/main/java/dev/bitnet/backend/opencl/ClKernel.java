package dev.bitnet.backend.opencl;

import org.jocl.CL;
import org.jocl.NativePointerObject;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_program;

/**
 * One kernel of a built program: arguments are set in order with {@link #args}, then it is enqueued with a
 * one-dimensional range. The work-group size of reducing kernels is the largest power of two the device allows for
 * this kernel, capped by what the work needs.
 */
final class ClKernel {
    private final ClRuntime rt;
    private final cl_kernel kernel;
    private final String name;
    /** The largest power of two not above this kernel's CL_KERNEL_WORK_GROUP_SIZE on the device (and 256). */
    final int maxGroup;

    ClKernel(ClRuntime rt, cl_program program, String name) {
        this.rt = rt;
        this.name = name;
        this.kernel = CL.clCreateKernel(program, name, null);
        long[] wg = new long[1];
        CL.clGetKernelWorkGroupInfo(kernel, rt.device.id(), CL.CL_KERNEL_WORK_GROUP_SIZE, Sizeof.size_t, Pointer.to(wg), null);
        this.maxGroup = Integer.highestOneBit((int) Math.max(1, Math.min(256, wg[0])));
    }

    /** A power-of-two group size for work of {@code n} items per group: at most {@link #maxGroup}. */
    int groupFor(int n) {
        return Math.min(maxGroup, n <= 1 ? 1 : Integer.highestOneBit(n - 1) << 1);
    }

    /**
     * Sets the arguments in order: {@link cl_mem} (null for an unused buffer), Integer, Long (a 64-bit ulong),
     * Float, or {@link Local} (local memory of that many bytes).
     */
    ClKernel args(Object... values) {
        for (int i = 0; i < values.length; i++) {
            Object v = values[i];
            switch (v) {
                case null -> CL.clSetKernelArg(kernel, i, Sizeof.cl_mem, null);
                case cl_mem m -> CL.clSetKernelArg(kernel, i, Sizeof.cl_mem, Pointer.to((NativePointerObject) m));
                case Integer n -> CL.clSetKernelArg(kernel, i, Sizeof.cl_int, Pointer.to(new int[]{n}));
                case Long n -> CL.clSetKernelArg(kernel, i, Sizeof.cl_ulong, Pointer.to(new long[]{n}));
                case Float f -> CL.clSetKernelArg(kernel, i, Sizeof.cl_float, Pointer.to(new float[]{f}));
                case Local l -> CL.clSetKernelArg(kernel, i, l.bytes(), null);
                default -> throw new IllegalArgumentException(name + ": unsupported argument " + v);
            }
        }
        return this;
    }

    /** Enqueues {@code groups} work-groups of {@code groupSize} work-items. */
    void runGroups(long groups, int groupSize) {
        if (groups == 0) return;
        CL.clEnqueueNDRangeKernel(rt.queue, kernel, 1, null, new long[]{groups * groupSize}, new long[]{groupSize}, 0, null, null);
    }

    /**
     * Enqueues a row kernel (see ROW_THREADS in kernels/opencl/common.cl): {@code rowThreads} work-items per row, as
     * many rows per work-group as the kernel's size limit allows up to 64 rows, enough groups to cover {@code rows}.
     * Returns the group size (local reduction buffers need one slot per work-item).
     */
    int rowGroupSize(int rowThreads) {
        return Math.max(rowThreads, Math.min(maxGroup, 64 * rowThreads));
    }

    void runRows(long rows, int rowThreads) {
        int group = rowGroupSize(rowThreads);
        long rowsPerGroup = group / rowThreads;
        runGroups((rows + rowsPerGroup - 1) / rowsPerGroup, group);
    }

    /** Enqueues {@code items} independent work-items (the runtime picks the grouping). */
    void runItems(long items) {
        if (items == 0) return;
        CL.clEnqueueNDRangeKernel(rt.queue, kernel, 1, null, new long[]{items}, null, 0, null, null);
    }

    void release() {
        CL.clReleaseKernel(kernel);
    }

    /** A local-memory kernel argument. */
    record Local(long bytes) {
        static Local floats(int n) {
            return new Local(4L * n);
        }

        static Local ints(int n) {
            return new Local(4L * n);
        }
    }
}
