package dev.bitnet.quant;

/**
 * A matrix quantised to int8 with one f32 scale per row ({@code w[r][c] ≈ q[r*cols + c] * scales[r]}, scale =
 * max|row| / 127): the optional LM head of {@code --lm-head q8}, half the bytes of f16.
 */
public record Int8RowMatrix(int rows, int cols, byte[] q, float[] scales) {

    public static Int8RowMatrix quantize(F16Matrix m) {
        byte[] q = new byte[Math.multiplyExact(m.rows(), m.cols())];
        float[] scales = new float[m.rows()];
        float[] row = new float[m.cols()];
        for (int r = 0; r < m.rows(); r++) {
            m.row(r, row);
            float amax = 0f;
            for (float v : row) amax = Math.max(amax, Math.abs(v));
            float scale = amax / 127f;
            float inv = scale == 0 ? 0 : 1f / scale;
            for (int c = 0; c < row.length; c++) q[r * m.cols() + c] = (byte) Math.clamp(Math.rint(row[c] * inv), -127, 127);
            scales[r] = scale;
        }
        return new Int8RowMatrix(m.rows(), m.cols(), q, scales);
    }
}
