package dev.bitnet.backend;

import dev.bitnet.api.BitNetException;

/** Element type of the KV cache: f16 by default (half the memory), f32 selectable. */
public enum KvType {
    F16(2), F32(4);

    private final int bytes;

    KvType(int bytes) {
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }

    /** Rounds a value to what this cache type stores (every backend must store exactly this). */
    public float round(float x) {
        return this == F16 ? Float.float16ToFloat(Float.floatToFloat16(x)) : x;
    }

    public static KvType parse(String s) {
        return switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "f16" -> F16;
            case "f32" -> F32;
            default -> throw new BitNetException("unknown KV cache type '" + s + "' (expected f16 or f32)");
        };
    }
}
