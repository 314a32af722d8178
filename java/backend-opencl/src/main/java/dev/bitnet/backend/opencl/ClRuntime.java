package dev.bitnet.backend.opencl;

import dev.bitnet.api.BitNetException;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_mem;
import org.jocl.cl_program;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A context and an in-order command queue on one device; builds the kernel programs and owns every buffer, counting
 * the bytes it holds on the device.
 */
final class ClRuntime implements AutoCloseable {
    final ClDevice device;
    final cl_context context;
    final cl_command_queue queue;
    private final List<cl_program> programs = new ArrayList<>();
    private final Map<cl_mem, Long> buffers = new IdentityHashMap<>();
    private long allocatedBytes;

    ClRuntime(ClDevice device) {
        this.device = device;
        try {
            context = CL.clCreateContext(null, 1, new org.jocl.cl_device_id[]{device.id()}, null, null, null);
            queue = CL.clCreateCommandQueue(context, device.id(), 0, null);
        } catch (CLException e) {
            throw new BitNetException("OpenCL: cannot open device " + device.selector() + " (" + device.name() + "): "
                    + e.getMessage());
        }
    }

    /**
     * Builds a program from kernel files (resources under {@code kernels/opencl/}, each preceded by
     * {@code common.cl}); a failed build reports the compiler's log.
     */
    cl_program build(String file, String options) {
        String source = resource("common.cl") + "\n" + resource(file);
        cl_program program = CL.clCreateProgramWithSource(context, 1, new String[]{source}, null, null);
        programs.add(program);
        String opts = options + (device.correctlyRoundedDivSqrt() ? " -cl-fp32-correctly-rounded-divide-sqrt" : "");
        try {
            CL.clBuildProgram(program, 1, new org.jocl.cl_device_id[]{device.id()}, opts, null, null);
        } catch (CLException e) {
            throw new BitNetException("OpenCL: kernels/opencl/" + file + " did not build for " + device.name() + " ("
                    + e.getMessage() + "); build log:\n" + buildLog(program));
        }
        return program;
    }

    private String buildLog(cl_program program) {
        long[] size = new long[1];
        CL.clGetProgramBuildInfo(program, device.id(), CL.CL_PROGRAM_BUILD_LOG, 0, null, size);
        byte[] log = new byte[(int) size[0]];
        CL.clGetProgramBuildInfo(program, device.id(), CL.CL_PROGRAM_BUILD_LOG, log.length, Pointer.to(log), null);
        return new String(log, StandardCharsets.UTF_8).trim();
    }

    private static String resource(String file) {
        try (InputStream in = ClRuntime.class.getResourceAsStream("/kernels/opencl/" + file)) {
            if (in == null) throw new BitNetException("OpenCL kernel source kernels/opencl/" + file + " is missing from the jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BitNetException("cannot read kernels/opencl/" + file + ": " + e.getMessage());
        }
    }

    /** A device buffer of {@code bytes} bytes (at least 1), uninitialised. */
    cl_mem alloc(long bytes, String what) {
        long size = Math.max(bytes, 1);
        if (size > device.maxAllocBytes()) {
            throw new BitNetException(String.format("OpenCL: %s needs one buffer of %,d bytes but %s allows at most %,d",
                    what, size, device.name(), device.maxAllocBytes()));
        }
        try {
            cl_mem m = CL.clCreateBuffer(context, CL.CL_MEM_READ_WRITE, size, null, null);
            buffers.put(m, size);
            allocatedBytes += size;
            return m;
        } catch (CLException e) {
            throw new BitNetException(String.format("OpenCL: cannot allocate %,d bytes for %s on %s (%s)", size, what,
                    device.name(), e.getMessage()));
        }
    }

    void free(cl_mem m) {
        Long size = buffers.remove(m);
        if (size != null) {
            allocatedBytes -= size;
            CL.clReleaseMemObject(m);
        }
    }

    long allocatedBytes() {
        return allocatedBytes;
    }

    void write(cl_mem m, long offset, Pointer data, long bytes) {
        if (bytes > 0) CL.clEnqueueWriteBuffer(queue, m, CL.CL_TRUE, offset, bytes, data, 0, null, null);
    }

    /** Copies a (possibly memory-mapped) host buffer to the device in pieces, so no piece exceeds an int's range. */
    void write(cl_mem m, ByteBuffer data) {
        int piece = 64 << 20;
        for (int at = 0; at < data.capacity(); at += piece) {
            int n = Math.min(piece, data.capacity() - at);
            write(m, at, Pointer.to(data.slice(at, n)), n);
        }
    }

    void read(cl_mem m, long offset, Pointer data, long bytes) {
        if (bytes > 0) CL.clEnqueueReadBuffer(queue, m, CL.CL_TRUE, offset, bytes, data, 0, null, null);
    }

    void finish() {
        CL.clFinish(queue);
    }

    @Override
    public void close() {
        for (cl_mem m : List.copyOf(buffers.keySet())) free(m);
        for (cl_program p : programs) CL.clReleaseProgram(p);
        CL.clReleaseCommandQueue(queue);
        CL.clReleaseContext(context);
    }
}
