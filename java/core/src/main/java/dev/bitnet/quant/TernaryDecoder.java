package dev.bitnet.quant;

import dev.bitnet.gguf.GgufFile;
import dev.bitnet.gguf.GgufTensorInfo;

/** Decodes any ternary GGUF tensor (I2_S, TQ1_0, TQ2_0) to the canonical {@link TernaryMatrix}. STUB. */
public final class TernaryDecoder {
    private TernaryDecoder() { }

    /**
     * @param externalScale the value of a separate {@code <name>.scale} tensor, or NaN when the file has none
     *                      (then the scale comes from the tensor itself; for TQ1_0/TQ2_0 every non-zero block must
     *                      carry the same d, else ModelFormatException)
     */
    public static TernaryMatrix decode(GgufFile file, GgufTensorInfo tensor, float externalScale) {
        throw new UnsupportedOperationException("TODO");
    }
}
