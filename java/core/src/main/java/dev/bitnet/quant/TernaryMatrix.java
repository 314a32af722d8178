package dev.bitnet.quant;

/**
 * A BitLinear weight decoded from any ternary file layout into one canonical form: row-major trits, one per byte.
 * Backends repack this into their own kernel layout at load time and then drop it (the loader reuses the trits array
 * for the next tensor of the same size).
 *
 * @param name  the tensor's name in the file (for error messages)
 * @param rows  output features
 * @param cols  input features
 * @param trits rows*cols values in {-1, 0, +1}, row r at [r*cols, (r+1)*cols)
 * @param scale the per-tensor weight scale: y = (sum t*q) * scale / s_activation
 */
public record TernaryMatrix(String name, int rows, int cols, byte[] trits, float scale) {
    public TernaryMatrix {
        if ((long) rows * cols != trits.length) {
            throw new IllegalArgumentException(name + ": " + rows + "x" + cols + " needs " + ((long) rows * cols)
                    + " trits, got " + trits.length);
        }
    }

    public int trit(int row, int col) {
        return trits[row * cols + col];
    }
}
