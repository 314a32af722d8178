package dev.bitnet.safetensors;

import dev.bitnet.gguf.GgmlType;

/** The element types of a safetensors file this engine reads, with their sizes and, for floats, the ggml type. */
public enum SafetensorsDtype {
    F32(4, GgmlType.F32), F16(2, GgmlType.F16), BF16(2, GgmlType.BF16), U8(1, null), I8(1, null);

    private final int bytes;
    private final GgmlType floatType;

    SafetensorsDtype(int bytes, GgmlType floatType) {
        this.bytes = bytes;
        this.floatType = floatType;
    }

    public int bytes() {
        return bytes;
    }

    /** The ggml float type with the same encoding, or null for integer types. */
    public GgmlType floatType() {
        return floatType;
    }

    /** The type named {@code name} in a header ("BF16"), or null. */
    static SafetensorsDtype byName(String name) {
        for (SafetensorsDtype d : values()) if (d.name().equals(name)) return d;
        return null;
    }
}
