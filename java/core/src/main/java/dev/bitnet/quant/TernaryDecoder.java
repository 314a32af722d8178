package dev.bitnet.quant;

import dev.bitnet.gguf.GgufFile;
import dev.bitnet.gguf.GgufTensorInfo;
import dev.bitnet.gguf.ModelFormatException;

/** Decodes any ternary GGUF tensor (I2_S, TQ1_0, TQ2_0) to the canonical {@link TernaryMatrix}. */
public final class TernaryDecoder {
    private TernaryDecoder() {
    }

    /**
     * @param externalScale the value of a separate {@code <name>.scale} tensor, or NaN when the file has none
     *                      (then the scale comes from the tensor itself; for TQ1_0/TQ2_0 every non-zero block must
     *                      carry the same d, else ModelFormatException)
     */
    public static TernaryMatrix decode(GgufFile file, GgufTensorInfo tensor, float externalScale) {
        return decode(file, tensor, externalScale, null);
    }

    /**
     * As {@link #decode(GgufFile, GgufTensorInfo, float)}, decoding into {@code buffer} when it has exactly the
     * tensor's size (the loader reuses one buffer per shape, so loading a model makes no garbage per tensor).
     */
    public static TernaryMatrix decode(GgufFile file, GgufTensorInfo tensor, float externalScale, byte[] buffer) {
        String where = file.path() + ": tensor '" + tensor.name() + "'";
        if (!tensor.type().isTernary()) {
            throw new ModelFormatException(where + " has type " + tensor.type() + ", expected I2_S, TQ1_0 or TQ2_0");
        }
        long rows = tensor.rows(), cols = tensor.cols();
        if (rows > Integer.MAX_VALUE || cols > Integer.MAX_VALUE || rows * cols > Integer.MAX_VALUE - 8) {
            throw new ModelFormatException(where + " " + tensor.shape() + " is too large for one matrix");
        }
        byte[] trits = buffer != null && buffer.length == rows * cols ? buffer : new byte[(int) (rows * cols)];
        float scale = TernaryCodec.of(tensor.type()).decode(file.data(tensor), trits, where);
        if (!Float.isNaN(externalScale)) scale *= externalScale;
        if (!Float.isFinite(scale)) throw new ModelFormatException(where + " has a non-finite scale " + scale);
        return new TernaryMatrix(tensor.name(), (int) rows, (int) cols, trits, scale);
    }
}
