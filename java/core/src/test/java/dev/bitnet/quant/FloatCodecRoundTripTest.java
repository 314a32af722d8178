package dev.bitnet.quant;

import dev.bitnet.gguf.GgmlType;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every float codec decoded at odd starting points and lengths against independent decoders written here, and
 * encode-then-decode round trips within each format's precision.
 */
class FloatCodecRoundTripTest {
    private static final GgmlType[] TYPES = {GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q6_K};

    private static float[] gaussian(int n, long seed, double sigma) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (sigma * r.nextGaussian());
        return v;
    }

    /** Straight from the layouts: whole-tensor decoding with a ByteBuffer, one type at a time. */
    static float[] independentDecode(GgmlType type, byte[] raw, int n) {
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        float[] y = new float[n];
        switch (type) {
            case F32 -> b.asFloatBuffer().get(y);
            case F16 -> {
                for (int i = 0; i < n; i++) y[i] = Float.float16ToFloat(b.getShort(2 * i));
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) y[i] = Float.intBitsToFloat(b.getShort(2 * i) << 16);
            }
            case Q8_0 -> { // ggml's dequantize_row_q8_0: y[i*32 + j] = qs[j] * d
                for (int i = 0; i < n / 32; i++) {
                    float d = Float.float16ToFloat(b.getShort(34 * i));
                    for (int j = 0; j < 32; j++) y[i * 32 + j] = raw[34 * i + 2 + j] * d;
                }
            }
            case Q6_K -> System.arraycopy(FloatCodecsTest.dequantizeQ6K(raw, n / 256), 0, y, 0, n);
            default -> throw new IllegalArgumentException(type.name());
        }
        return y;
    }

    private static byte[] randomRaw(GgmlType type, int n, long seed) {
        byte[] raw = new byte[(int) type.byteSize(n)];
        SplittableRandom r = new SplittableRandom(seed);
        r.nextBytes(raw);
        if (type.blockSize() > 1) { // keep the f16 d of each block finite and modest
            int dAt = type == GgmlType.Q8_0 ? 0 : 208;
            for (int blk = 0; blk < n / type.blockSize(); blk++) {
                short d = Float.floatToFloat16((float) r.nextDouble(-0.1, 0.1));
                raw[blk * type.blockBytes() + dAt] = (byte) d;
                raw[blk * type.blockBytes() + dAt + 1] = (byte) (d >> 8);
            }
        } else if (type == GgmlType.F32) {
            ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) b.putFloat(4 * i, (float) r.nextGaussian());
        }
        return raw;
    }

    @Test
    void decodingAnySliceMatchesTheIndependentDecoder() {
        int n = 256 * 5;
        for (GgmlType type : TYPES) {
            byte[] raw = randomRaw(type, n, type.id());
            float[] expected = independentDecode(type, raw, n);
            for (int[] slice : new int[][]{{0, n}, {1, 1}, {37, 101}, {255, 258}, {n - 3, 3}, {511, 513}}) {
                float[] out = new float[slice[1]];
                FloatCodec.of(type).decode(MemorySegment.ofArray(raw), slice[0], out);
                float[] want = Arrays.copyOfRange(expected, slice[0], slice[0] + slice[1]);
                for (int i = 0; i < out.length; i++) {
                    assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(out[i]),
                            type + " value " + (slice[0] + i) + ": " + want[i] + " vs " + out[i]);
                }
            }
        }
    }

    @Test
    void encodeThenDecodeIsWithinEachFormatsPrecision() {
        for (GgmlType type : TYPES) {
            for (int blocks : new int[]{1, 3, 7}) {
                int n = 256 * blocks;
                float[] v = gaussian(n, blocks * 31L + type.id(), 2.0);
                byte[] raw = FloatCodec.of(type).encode(v);
                assertEquals(type.byteSize(n), raw.length, type.name());
                float[] back = new float[n];
                FloatCodec.of(type).decode(MemorySegment.ofArray(raw), 0, back);
                assertArrayEquals(independentDecode(type, raw, n), back, type.name());
                for (int i = 0; i < n; i++) {
                    int block = type.blockSize() == 1 ? 1 : (type == GgmlType.Q8_0 ? 32 : 16);
                    float amax = 0;
                    for (int j = i / block * block; j < i / block * block + block && j < n; j++) amax = Math.max(amax, Math.abs(v[j]));
                    double tolerance = switch (type) {
                        case F32 -> 0;
                        case F16 -> Math.abs(v[i]) * 0x1p-11 + 1e-7;
                        case BF16 -> Math.abs(v[i]) * 0x1p-8;
                        case Q8_0 -> amax / 127 * 0.5 + amax * 1e-3; // half a step, plus d's f16 rounding
                        default -> amax / 31 * 0.5 + amax * 0.03;    // Q6_K: half a step plus the int8 group scale's rounding
                    };
                    assertEquals(v[i], back[i], tolerance, type + " value " + i);
                }
            }
        }
    }

    @Test
    void zerosEncodeToZeros() {
        for (GgmlType type : TYPES) {
            float[] back = new float[256];
            FloatCodec.of(type).decode(MemorySegment.ofArray(FloatCodec.of(type).encode(new float[256])), 0, back);
            assertArrayEquals(new float[256], back, type.name());
        }
    }

    @Test
    void encodersRefusePartialBlocks() {
        assertThrows(IllegalArgumentException.class, () -> FloatCodec.of(GgmlType.Q8_0).encode(new float[33]));
        assertThrows(IllegalArgumentException.class, () -> FloatCodec.of(GgmlType.Q6_K).encode(new float[128]));
        assertThrows(IllegalArgumentException.class, () -> FloatCodec.of(GgmlType.I2_S));
    }
}
