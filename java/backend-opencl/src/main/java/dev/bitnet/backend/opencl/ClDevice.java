package dev.bitnet.backend.opencl;

import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/**
 * One OpenCL device as the runtime reports it.
 *
 * @param platformIndex      index of its platform in the runtime's platform list ({@code P} of {@code opencl:P:D})
 * @param deviceIndex        index within the platform ({@code D})
 * @param gpu                whether the device says it is a GPU
 * @param correctlyRoundedDivSqrt whether {@code -cl-fp32-correctly-rounded-divide-sqrt} may be used
 */
record ClDevice(int platformIndex, int deviceIndex, cl_platform_id platform, cl_device_id id, String platformName,
                String name, String vendor, String type, boolean gpu, String driverVersion, String openclVersion,
                long globalMemBytes, long maxAllocBytes, long localMemBytes, int computeUnits, long maxWorkGroupSize,
                String extensions, boolean correctlyRoundedDivSqrt) {

    /** {@code P:D}, what {@code --backend opencl:P:D} selects it by. */
    String selector() {
        return platformIndex + ":" + deviceIndex;
    }

    boolean hasExtension(String ext) {
        return (" " + extensions + " ").contains(" " + ext + " ");
    }

    /** One line for {@code bitnet devices}. */
    String describe() {
        return String.format("opencl:%s  %s (%s, %s) — %s, %.1f GiB, %d compute units, driver %s", selector(), name,
                type, vendor, openclVersion, globalMemBytes / (double) (1L << 30), computeUnits, driverVersion);
    }
}
