package dev.bitnet.quant;

import dev.bitnet.gguf.GgmlType;
import dev.bitnet.gguf.GgufFile;
import dev.bitnet.gguf.GgufTensorInfo;
import dev.bitnet.gguf.ModelFormatException;
import dev.bitnet.testing.SharedData;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The ternary codecs against independent packers written here straight from the layouts in the facts file (and
 * ggml's quantize_row_tq1_0_ref order), and against files written by bitnet.cpp and a ggml-compatible writer.
 */
class TernaryCodecsTest {
    private static byte[] randomTrits(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] t = new byte[n];
        for (int i = 0; i < n; i++) t[i] = (byte) (r.nextInt(3) - 1);
        return t;
    }

    private static void putHalf(byte[] b, int at, float v) {
        short h = Float.floatToFloat16(v);
        b[at] = (byte) h;
        b[at + 1] = (byte) (h >>> 8);
    }

    /** I2_S, facts file: byte b of a 128-block holds w[b] in bits 7-6, w[b+32] in 5-4, w[b+64] in 3-2, w[b+96] in 1-0. */
    static byte[] packI2s(byte[] t, float scale) {
        byte[] out = new byte[t.length / 4 + 32];
        for (int block = 0; block < t.length / 128; block++) {
            for (int b = 0; b < 32; b++) {
                int w0 = t[block * 128 + b] + 1, w1 = t[block * 128 + b + 32] + 1;
                int w2 = t[block * 128 + b + 64] + 1, w3 = t[block * 128 + b + 96] + 1;
                out[block * 32 + b] = (byte) (w0 << 6 | w1 << 4 | w2 << 2 | w3);
            }
        }
        int bits = Float.floatToIntBits(scale);
        for (int i = 0; i < 4; i++) out[t.length / 4 + i] = (byte) (bits >>> (8 * i));
        return out;
    }

    /** TQ2_0 as ggml's quantize_row_tq2_0_ref: qs[j + m] = sum over n of (x[m + 32n] + 1) << 2n, x advancing by 128. */
    static byte[] packTq2(byte[] t, float d) {
        byte[] out = new byte[t.length / 256 * 66];
        for (int block = 0; block < t.length / 256; block++) {
            int x = block * 256;
            for (int j = 0; j < 64; j += 32) {
                for (int m = 0; m < 32; m++) {
                    int q = 0;
                    for (int n = 0; n < 4; n++) q += (t[x + m + n * 32] + 1) << (2 * n);
                    out[block * 66 + j + m] = (byte) q;
                }
                x += 128;
            }
            putHalf(out, block * 66 + 64, d);
        }
        return out;
    }

    /** TQ1_0 as ggml's quantize_row_tq1_0_ref: base-3 numbers, first trit most significant, stored as ceil(q*256/243). */
    static byte[] packTq1(byte[] t, float d) {
        byte[] out = new byte[t.length / 256 * 54];
        for (int block = 0; block < t.length / 256; block++) {
            int x = block * 256, o = block * 54;
            for (int m = 0; m < 32; m++) { // qs[0..32): values m + 32n, n = 0..4
                int q = 0;
                for (int n = 0; n < 5; n++) q = q * 3 + t[x + m + 32 * n] + 1;
                out[o + m] = (byte) ((q * 256 + 242) / 243);
            }
            x += 160;
            for (int m = 0; m < 16; m++) { // qs[32..48): values 160 + m + 16n
                int q = 0;
                for (int n = 0; n < 5; n++) q = q * 3 + t[x + m + 16 * n] + 1;
                out[o + 32 + m] = (byte) ((q * 256 + 242) / 243);
            }
            x += 80;
            for (int j = 0; j < 4; j++) { // qh: values 240 + j + 4n, n = 0..3, then a zero trit
                int q = 0;
                for (int n = 0; n < 4; n++) q = q * 3 + t[x + j + 4 * n] + 1;
                q *= 3;
                out[o + 48 + j] = (byte) ((q * 256 + 242) / 243);
            }
            putHalf(out, o + 52, d);
        }
        return out;
    }

    private static void roundTrip(GgmlType type, byte[] packed, byte[] trits, float scale) {
        TernaryCodec codec = TernaryCodec.of(type);
        byte[] out = new byte[trits.length];
        float s = codec.decode(MemorySegment.ofArray(packed), out, "test");
        assertArrayEquals(trits, out, type + " decode");
        assertEquals(scale, s, type + " scale");
        assertArrayEquals(packed, codec.encode(trits, scale), type + " encode");
    }

    @Test
    void decodeAndEncodeMatchIndependentPackers() {
        float scale = Float.float16ToFloat(Float.floatToFloat16(1.375f));
        for (int n : new int[]{256, 1024, 2560 * 4, 6912}) {
            byte[] t = randomTrits(n, n);
            roundTrip(GgmlType.I2_S, packI2s(t, scale), t, scale);
            roundTrip(GgmlType.TQ2_0, packTq2(t, scale), t, scale);
            roundTrip(GgmlType.TQ1_0, packTq1(t, scale), t, scale);
        }
    }

    /** ggml's dequantize_row_tq1_0 / _tq2_0 loop structure: values emitted in order through one output cursor. */
    static byte[] ggmlDequantize(GgmlType type, byte[] raw, int n) {
        int[] pow3 = {1, 3, 9, 27, 81, 243};
        byte[] y = new byte[n];
        int yi = 0;
        for (int blk = 0; blk < n / 256; blk++) {
            int x = blk * type.blockBytes();
            if (type == GgmlType.TQ2_0) {
                for (int j = 0; j < 64; j += 32)
                    for (int l = 0; l < 4; l++)
                        for (int m = 0; m < 32; m++) y[yi++] = (byte) (((raw[x + j + m] >> (l * 2)) & 3) - 1);
                continue;
            }
            for (int j = 0; j < 32; j += 32)
                for (int nn = 0; nn < 5; nn++)
                    for (int m = 0; m < 32; m++) y[yi++] = (byte) ((((raw[x + j + m] * pow3[nn]) & 0xFF) * 3 >> 8) - 1);
            for (int j = 32; j < 48; j += 16)
                for (int nn = 0; nn < 5; nn++)
                    for (int m = 0; m < 16; m++) y[yi++] = (byte) ((((raw[x + j + m] * pow3[nn]) & 0xFF) * 3 >> 8) - 1);
            for (int nn = 0; nn < 4; nn++)
                for (int j = 0; j < 4; j++) y[yi++] = (byte) ((((raw[x + 48 + j] * pow3[nn]) & 0xFF) * 3 >> 8) - 1);
        }
        return y;
    }

    @Test
    void randomBytesDecodeAsGgmlDoes() {
        SplittableRandom r = new SplittableRandom(77);
        for (GgmlType type : new GgmlType[]{GgmlType.TQ1_0, GgmlType.TQ2_0}) {
            for (int blocks : new int[]{1, 3, 10}) {
                byte[] raw = new byte[blocks * type.blockBytes()];
                r.nextBytes(raw);
                for (int b = 0; b < blocks; b++) {
                    int at = b * type.blockBytes();
                    if (type == GgmlType.TQ2_0) { // code 3 is invalid: map it to 2 (+1)
                        for (int i = at; i < at + 64; i++) raw[i] = (byte) (raw[i] & ~((raw[i] & 0xAA) >> 1 & raw[i] & 0x55));
                    }
                    putHalf(raw, at + type.blockBytes() - 2, 0.75f);
                }
                byte[] out = new byte[blocks * 256];
                assertEquals(0.75f, TernaryCodec.of(type).decode(MemorySegment.ofArray(raw), out, "t"));
                assertArrayEquals(ggmlDequantize(type, raw, out.length), out, type + " x" + blocks);
            }
        }
    }

    @Test
    void invalidTq2CodeIsReported() {
        byte[] packed = packTq2(randomTrits(512, 3), 1f);
        packed[66 + 10] = (byte) 0x30; // code 3 in bits 5-4 of block 1's byte 10
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> TernaryCodec.of(GgmlType.TQ2_0).decode(MemorySegment.ofArray(packed), new byte[512], "f: tensor 'w'"));
        assertTrue(e.getMessage().contains("tensor 'w'") && e.getMessage().contains("offset 76")
                && e.getMessage().contains("block 1"), e.getMessage());
    }

    @Test
    void aLargeI2sTensorDecodesExactlyAndReportsTheFirstOfTwoBadBytes() {
        int n = 40_007 * I2sCodec.BLOCK; // 5 MB of trits
        float scale = 0.5f;
        byte[] t = randomTrits(n, 11);
        byte[] packed = packI2s(t, scale);
        roundTrip(GgmlType.I2_S, packed, t, scale);
        int late = packed.length - I2sCodec.BLOCK_BYTES - 40, early = n / 4 / 2 + 3; // near the end and in the middle
        packed[late] = (byte) 0xC0;
        packed[early] = (byte) 0x03;
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> TernaryCodec.of(GgmlType.I2_S).decode(MemorySegment.ofArray(packed), new byte[n], "w"));
        assertTrue(e.getMessage().contains("data offset " + early + " "), e.getMessage());
    }

    @Test
    void invalidI2sCodeIsReported() {
        byte[] packed = packI2s(randomTrits(128, 1), 1f);
        packed[5] = (byte) 0xFF;
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> TernaryCodec.of(GgmlType.I2_S).decode(MemorySegment.ofArray(packed), new byte[128], "w"));
        assertTrue(e.getMessage().contains("offset 5"), e.getMessage());
    }

    @Test
    void blocksWithDifferentScalesAreRefusedButZeroBlocksMayDiffer() {
        byte[] t = randomTrits(512, 2);
        byte[] packed = packTq2(t, 1f);
        putHalf(packed, 66 + 64, 2f);
        assertThrows(ModelFormatException.class,
                () -> TernaryCodec.of(GgmlType.TQ2_0).decode(MemorySegment.ofArray(packed), new byte[512], "w"));
        java.util.Arrays.fill(t, 256, 512, (byte) 0);
        byte[] zeroSecond = packTq2(t, 1f);
        putHalf(zeroSecond, 66 + 64, 0f);
        assertEquals(1f, TernaryCodec.of(GgmlType.TQ2_0).decode(MemorySegment.ofArray(zeroSecond), new byte[512], "w"));
    }

    @Test
    void theTwoOutsideFilesHoldTheSameWeights() {
        try (GgufFile i2s = GgufFile.open(SharedData.referenceModel("bitnet-tiny-i2_s.gguf"));
             GgufFile tq2 = GgufFile.open(SharedData.referenceModel("bitnet-tiny-tq2_0-block.gguf"))) {
            int compared = 0;
            for (GgufTensorInfo a : i2s.tensors()) {
                if (!a.type().isTernary()) continue;
                GgufTensorInfo b = tq2.tensor(a.name());
                assertEquals(GgmlType.TQ2_0, b.type());
                TernaryMatrix x = TernaryDecoder.decode(i2s, a, Float.NaN), y = TernaryDecoder.decode(tq2, b, Float.NaN);
                assertArrayEquals(x.trits(), y.trits(), a.name());
                assertEquals(x.scale(), y.scale(), Math.abs(x.scale()) * 1e-3, a.name());
                compared++;
            }
            assertEquals(4 * 7, compared);
            assertEquals(256, i2s.getInt("bitnet.embedding_length"));
            assertEquals(4, i2s.getInt("bitnet.block_count"));
        }
    }
}
