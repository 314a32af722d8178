package dev.bitnet.backend.opencl;

import dev.bitnet.api.BitNetException;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Enumerates the OpenCL platforms and devices of this machine and picks the one a user asks for. */
final class ClDevices {
    private ClDevices() {
    }

    /**
     * Every device of every platform. Throws {@link BitNetException} with one line when there is no OpenCL runtime
     * (no ICD loader, no platform) or no device.
     */
    static List<ClDevice> list() {
        String loader = missingLoader();
        if (loader != null) throw new BitNetException(loader);
        try {
            CL.setExceptionsEnabled(true);
            int[] n = new int[1];
            try {
                CL.clGetPlatformIDs(0, null, n);
            } catch (CLException e) {
                if (e.getStatus() == -1001) throw new BitNetException("no OpenCL platform installed (no ICD found)");
                throw e;
            }
            if (n[0] == 0) throw new BitNetException("no OpenCL platform installed");
            cl_platform_id[] platforms = new cl_platform_id[n[0]];
            CL.clGetPlatformIDs(n[0], platforms, null);
            List<ClDevice> devices = new ArrayList<>();
            for (int p = 0; p < platforms.length; p++) {
                int[] count = new int[1];
                try {
                    CL.clGetDeviceIDs(platforms[p], CL.CL_DEVICE_TYPE_ALL, 0, null, count);
                } catch (CLException e) {
                    continue; // CL_DEVICE_NOT_FOUND: a platform without devices
                }
                cl_device_id[] ids = new cl_device_id[count[0]];
                CL.clGetDeviceIDs(platforms[p], CL.CL_DEVICE_TYPE_ALL, count[0], ids, null);
                String platformName = string(platforms[p]);
                for (int d = 0; d < ids.length; d++) devices.add(describe(p, d, platforms[p], platformName, ids[d]));
            }
            if (devices.isEmpty()) throw new BitNetException("no OpenCL device found");
            return devices;
        } catch (LinkageError e) {
            throw new BitNetException("the OpenCL runtime could not be loaded (is an ICD loader such as "
                    + "ocl-icd-libopencl1 installed?): " + e.getMessage());
        } catch (CLException e) {
            throw new BitNetException("OpenCL: " + e.getMessage());
        }
    }

    /**
     * The device a selector names: "" = the best one (GPUs first, then more compute units), "P:D" = platform P's
     * device D, "P" = the best device of platform P.
     */
    static ClDevice select(String selector) {
        List<ClDevice> all = list();
        if (selector.isEmpty()) return all.stream().min(BEST_FIRST).orElseThrow();
        String[] parts = selector.split(":");
        try {
            int p = Integer.parseInt(parts[0]);
            if (parts.length == 1) {
                return all.stream().filter(d -> d.platformIndex() == p).min(BEST_FIRST)
                        .orElseThrow(() -> noDevice(selector, all));
            }
            int d = Integer.parseInt(parts[1]);
            if (parts.length == 2) {
                for (ClDevice dev : all) if (dev.platformIndex() == p && dev.deviceIndex() == d) return dev;
            }
        } catch (NumberFormatException e) {
            // falls through to the error below
        }
        throw noDevice(selector, all);
    }

    static final Comparator<ClDevice> BEST_FIRST = Comparator.comparing((ClDevice d) -> !d.gpu())
            .thenComparing(Comparator.comparingInt(ClDevice::computeUnits).reversed())
            .thenComparingInt(ClDevice::platformIndex).thenComparingInt(ClDevice::deviceIndex);

    /**
     * Null if an OpenCL ICD loader can be opened, else why not. Asked before JOCL is touched: JOCL's native side
     * prints its own failure to stdout, which would corrupt the JSON of {@code --json} commands.
     */
    private static String missingLoader() {
        if (!System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).startsWith("linux")) return null;
        for (String name : new String[]{"libOpenCL.so.1", "libOpenCL.so"}) {
            try { // kept loaded (global arena): JOCL loads it next, and an ICD loader is not made to be unloaded
                java.lang.foreign.SymbolLookup.libraryLookup(name, java.lang.foreign.Arena.global());
                return null;
            } catch (IllegalArgumentException notFound) {
                // try the next name
            }
        }
        return "the OpenCL runtime could not be loaded (no libOpenCL.so.1; is an ICD loader such as ocl-icd-libopencl1 installed?)";
    }

    private static BitNetException noDevice(String selector, List<ClDevice> all) {
        return new BitNetException("no OpenCL device '" + selector + "' (expected P:D, one of: "
                + String.join(", ", all.stream().map(ClDevice::selector).toList()) + "; see `bitnet devices`)");
    }

    private static ClDevice describe(int p, int d, cl_platform_id platform, String platformName, cl_device_id id) {
        long type = longInfo(id, CL.CL_DEVICE_TYPE);
        String typeName = (type & CL.CL_DEVICE_TYPE_GPU) != 0 ? "GPU"
                : (type & CL.CL_DEVICE_TYPE_CPU) != 0 ? "CPU"
                : (type & CL.CL_DEVICE_TYPE_ACCELERATOR) != 0 ? "accelerator" : "other";
        long fp = longInfo(id, CL.CL_DEVICE_SINGLE_FP_CONFIG);
        return new ClDevice(p, d, platform, id, platformName, string(id, CL.CL_DEVICE_NAME).trim(),
                string(id, CL.CL_DEVICE_VENDOR).trim(), typeName, typeName.equals("GPU"),
                string(id, CL.CL_DRIVER_VERSION).trim(), string(id, CL.CL_DEVICE_VERSION).trim(),
                longInfo(id, CL.CL_DEVICE_GLOBAL_MEM_SIZE), longInfo(id, CL.CL_DEVICE_MAX_MEM_ALLOC_SIZE),
                longInfo(id, CL.CL_DEVICE_LOCAL_MEM_SIZE), intInfo(id, CL.CL_DEVICE_MAX_COMPUTE_UNITS),
                sizeInfo(id, CL.CL_DEVICE_MAX_WORK_GROUP_SIZE), string(id, CL.CL_DEVICE_EXTENSIONS).trim(),
                (fp & CL.CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT) != 0);
    }

    private static String string(cl_platform_id p) {
        long[] size = new long[1];
        CL.clGetPlatformInfo(p, CL.CL_PLATFORM_NAME, 0, null, size);
        byte[] b = new byte[(int) size[0]];
        CL.clGetPlatformInfo(p, CL.CL_PLATFORM_NAME, b.length, Pointer.to(b), null);
        return cString(b).trim();
    }

    private static String string(cl_device_id d, int param) {
        long[] size = new long[1];
        CL.clGetDeviceInfo(d, param, 0, null, size);
        byte[] b = new byte[(int) size[0]];
        CL.clGetDeviceInfo(d, param, b.length, Pointer.to(b), null);
        return cString(b);
    }

    private static String cString(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) n++;
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }

    private static long longInfo(cl_device_id d, int param) {
        long[] v = new long[1];
        CL.clGetDeviceInfo(d, param, Sizeof.cl_ulong, Pointer.to(v), null);
        return v[0];
    }

    private static int intInfo(cl_device_id d, int param) {
        int[] v = new int[1];
        CL.clGetDeviceInfo(d, param, Sizeof.cl_uint, Pointer.to(v), null);
        return v[0];
    }

    private static long sizeInfo(cl_device_id d, int param) {
        long[] v = new long[1];
        CL.clGetDeviceInfo(d, param, Sizeof.size_t, Pointer.to(v), null);
        return v[0];
    }
}
