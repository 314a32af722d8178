package dev.bitnet.gguf;

/**
 * The ggml tensor types this engine reads, with their on-disk ids and block geometry. The one source of truth for
 * every type constant: loaders, writers and kernels all ask here.
 *
 * <p>Ids 34-36 are those of Microsoft's bitnet.cpp fork (mainline ggml gives TQ1_0 and TQ2_0 the same ids).
 */
public enum GgmlType {
    F32(0, 1, 4),
    F16(1, 1, 2),
    Q8_0(8, 32, 34),        // f16 d; int8 qs[32]
    Q6_K(14, 256, 210),     // uint8 ql[128]; uint8 qh[64]; int8 scales[16]; f16 d
    BF16(30, 1, 2),
    TQ1_0(34, 256, 54),     // uint8 qs[48]; uint8 qh[4]; f16 d
    TQ2_0(35, 256, 66),     // uint8 qs[64]; f16 d
    I2_S(36, 128, 32);      // 4 codes per byte over the whole tensor, then a 32-byte tail holding the f32 scale

    /** Size of I2_S's tail after the packed codes: the f32 per-tensor scale, padded. */
    public static final int I2S_TAIL_BYTES = 32;

    private final int id;
    private final int blockSize;
    private final int blockBytes;

    GgmlType(int id, int blockSize, int blockBytes) {
        this.id = id;
        this.blockSize = blockSize;
        this.blockBytes = blockBytes;
    }

    public int id() {
        return id;
    }

    /** Values per block. */
    public int blockSize() {
        return blockSize;
    }

    /** Bytes per block. */
    public int blockBytes() {
        return blockBytes;
    }

    public boolean isTernary() {
        return this == I2_S || this == TQ1_0 || this == TQ2_0;
    }

    /** Bytes a tensor of {@code elements} values takes in the file, or -1 if that count is not a whole number of blocks. */
    public long byteSize(long elements) {
        if (elements < 0 || elements % blockSize != 0) return -1;
        long bytes = Math.multiplyExact(elements / blockSize, (long) blockBytes);
        return this == I2_S ? bytes + I2S_TAIL_BYTES : bytes;
    }

    /** The type with this id, or {@code null}. */
    public static GgmlType byId(int id) {
        for (GgmlType t : values()) if (t.id == id) return t;
        return null;
    }

    public static String supportedList() {
        StringBuilder sb = new StringBuilder();
        for (GgmlType t : values()) sb.append(sb.isEmpty() ? "" : ", ").append(t.name()).append(" (").append(t.id).append(')');
        return sb.toString();
    }
}
