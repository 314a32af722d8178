package dev.bitnet.quant;

import dev.bitnet.gguf.GgufFile;
import dev.bitnet.gguf.GgufTensorInfo;

/** Gives the token embedding as f16 whatever its file type (F16: the mapped slice itself; else converted). STUB. */
public final class EmbeddingDecoder {
    private EmbeddingDecoder() { }

    /** Supports F16 (no copy), F32, BF16, Q8_0 and Q6_K. */
    public static F16Matrix toF16(GgufFile file, GgufTensorInfo tensor) {
        throw new UnsupportedOperationException("TODO");
    }

    /** An f32 vector tensor (norm weights): F32, F16 or BF16. */
    public static float[] toF32Vector(GgufFile file, GgufTensorInfo tensor) {
        throw new UnsupportedOperationException("TODO");
    }
}
