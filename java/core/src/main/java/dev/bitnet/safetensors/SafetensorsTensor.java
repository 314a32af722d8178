package dev.bitnet.safetensors;

import java.util.Arrays;

/**
 * One tensor of a safetensors file.
 *
 * @param name   its name in the header
 * @param dtype  element type
 * @param shape  dimensions, outermost first (row-major: {@code [out, in]} for a linear weight)
 * @param offset absolute byte offset of its data in the file
 * @param bytes  data length
 */
public record SafetensorsTensor(String name, SafetensorsDtype dtype, long[] shape, long offset, long bytes) {
    public long elements() {
        long n = 1;
        for (long d : shape) n = Math.multiplyExact(n, d);
        return n;
    }

    public String shapeString() {
        return Arrays.toString(shape);
    }
}
