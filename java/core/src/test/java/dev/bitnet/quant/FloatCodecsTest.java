package dev.bitnet.quant;

import dev.bitnet.gguf.GgmlType;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** Q8_0 and Q6_K decoding against transcriptions of ggml's dequantize_row_* loops; BF16 by definition. */
class FloatCodecsTest {
    private static float half(byte[] b, int at) {
        return Float.float16ToFloat((short) ((b[at] & 0xFF) | (b[at + 1] << 8)));
    }

    /** ggml's dequantize_row_q6_K, loop for loop. */
    static float[] dequantizeQ6K(byte[] x, int blocks) {
        float[] y = new float[blocks * 256];
        int yi = 0;
        for (int i = 0; i < blocks; i++) {
            int b = i * 210;
            float d = half(x, b + 208);
            int ql = b, qh = b + 128, sc = b + 192;
            for (int n = 0; n < 256; n += 128) {
                for (int l = 0; l < 32; l++) {
                    int is = l / 16;
                    int q1 = (byte) (((x[ql + l] & 0xF) | (((x[qh + l] >> 0) & 3) << 4)) - 32);
                    int q2 = (byte) (((x[ql + l + 32] & 0xF) | (((x[qh + l] >> 2) & 3) << 4)) - 32);
                    int q3 = (byte) ((((x[ql + l] & 0xFF) >> 4) | (((x[qh + l] >> 4) & 3) << 4)) - 32);
                    int q4 = (byte) ((((x[ql + l + 32] & 0xFF) >> 4) | (((x[qh + l] >> 6) & 3) << 4)) - 32);
                    y[yi + l] = d * x[sc + is] * q1;
                    y[yi + l + 32] = d * x[sc + is + 2] * q2;
                    y[yi + l + 64] = d * x[sc + is + 4] * q3;
                    y[yi + l + 96] = d * x[sc + is + 6] * q4;
                }
                yi += 128;
                ql += 64;
                qh += 32;
                sc += 8;
            }
        }
        return y;
    }

    @Test
    void q6kMatchesGgml() {
        SplittableRandom r = new SplittableRandom(3);
        int blocks = 5;
        byte[] raw = new byte[blocks * 210];
        for (int i = 0; i < raw.length; i++) raw[i] = (byte) r.nextInt(256);
        for (int i = 0; i < blocks; i++) {
            short d = Float.floatToFloat16((float) r.nextDouble(0.001, 0.1));
            raw[i * 210 + 208] = (byte) d;
            raw[i * 210 + 209] = (byte) (d >> 8);
        }
        float[] out = new float[blocks * 256];
        FloatCodecs.decode(GgmlType.Q6_K, MemorySegment.ofArray(raw), 0, out);
        assertArrayEquals(dequantizeQ6K(raw, blocks), out);
    }

    @Test
    void q8_0MatchesGgmlAndEncodesWithin1Percent() {
        SplittableRandom r = new SplittableRandom(4);
        float[] v = new float[32 * 7];
        for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
        byte[] raw = FloatCodecs.encodeQ8_0(v);
        float[] out = new float[v.length];
        FloatCodecs.decode(GgmlType.Q8_0, MemorySegment.ofArray(raw), 0, out);
        for (int i = 0; i < v.length; i++) {
            int b = i / 32;
            assertEquals(half(raw, b * 34) * raw[b * 34 + 2 + i % 32], out[i]); // y = d * qs[j]
            assertEquals(v[i], out[i], 0.01 * 3);
        }
    }

    @Test
    void bf16IsTheTopHalfOfAnF32() {
        assertEquals(1.0f, FloatCodecs.bf16ToFloat((short) 0x3F80));
        assertEquals(-2.0f, FloatCodecs.bf16ToFloat((short) 0xC000));
        for (float f : new float[]{0f, 1f, -3.5f, 1e-20f, 65504f, 3.0e38f}) {
            float back = FloatCodecs.bf16ToFloat(FloatCodecs.floatToBf16(f));
            assertEquals(f, back, Math.abs(f) / 128);
        }
    }
}
