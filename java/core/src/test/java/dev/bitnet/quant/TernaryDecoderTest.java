package dev.bitnet.quant;

import dev.bitnet.gguf.GgmlType;
import dev.bitnet.gguf.GgufFile;
import dev.bitnet.gguf.GgufWriter;
import dev.bitnet.gguf.ModelFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** TernaryDecoder on files: dispatch, scales (own and external), odd shapes, and its errors. */
class TernaryDecoderTest {
    @TempDir
    Path dir;

    private static byte[] trits(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] t = new byte[n];
        for (int i = 0; i < n; i++) t[i] = (byte) (r.nextInt(3) - 1);
        return t;
    }

    @Test
    void everyTernaryTypeDecodesFromAFileWithItsScale() {
        float scale = Float.float16ToFloat(Float.floatToFloat16(0.8125f));
        int[][] shapes = {{128, 3}, {256, 7}, {768, 5}, {2560, 2}};
        for (GgmlType type : new GgmlType[]{GgmlType.I2_S, GgmlType.TQ2_0, GgmlType.TQ1_0}) {
            Path file = dir.resolve(type + ".gguf");
            GgufWriter w = new GgufWriter();
            for (int[] s : shapes) {
                if (s[0] * s[1] % type.blockSize() == 0 && (type == GgmlType.I2_S || s[0] % 256 == 0)) {
                    w.addTensor("w" + s[0] + "x" + s[1], type, new long[]{s[0], s[1]},
                            TernaryCodec.of(type).encode(trits(s[0] * s[1], s[0]), scale));
                }
            }
            w.write(file);
            try (GgufFile f = GgufFile.open(file)) {
                assertFalse(f.tensors().isEmpty());
                for (var t : f.tensors()) {
                    TernaryMatrix m = TernaryDecoder.decode(f, t, Float.NaN);
                    assertEquals(t.rows(), m.rows());
                    assertEquals(t.cols(), m.cols());
                    assertArrayEquals(trits(m.rows() * m.cols(), m.cols()), m.trits(), type + " " + t.name());
                    assertEquals(scale, m.scale(), type + " " + t.name());
                    assertEquals(scale * 3f, TernaryDecoder.decode(f, t, 3f).scale());
                    byte[] buffer = new byte[m.rows() * m.cols()];
                    assertSame(buffer, TernaryDecoder.decode(f, t, Float.NaN, buffer).trits());
                }
            }
        }
    }

    @Test
    void aNonTernaryTensorIsRefusedByName() {
        Path file = dir.resolve("f32.gguf");
        new GgufWriter().addTensor("blk.0.attn_q.weight", GgmlType.F32, new long[]{4, 2}, new byte[32]).write(file);
        try (GgufFile f = GgufFile.open(file)) {
            String m = assertThrows(ModelFormatException.class,
                    () -> TernaryDecoder.decode(f, f.tensor("blk.0.attn_q.weight"), Float.NaN)).getMessage();
            assertTrue(m.contains("f32.gguf") && m.contains("'blk.0.attn_q.weight'") && m.contains("expected I2_S, TQ1_0 or TQ2_0"), m);
        }
    }

    @Test
    void invalidI2sCodeNamesTheTensorAndOffset() {
        Path file = dir.resolve("code3.gguf");
        byte[] packed = TernaryCodec.of(GgmlType.I2_S).encode(trits(256, 1), 1f);
        packed[40] |= 0x03;
        packed[40] |= 0x02; // the low 2-bit field of byte 40 now holds code 3
        new GgufWriter().addTensor("blk.1.ffn_up.weight", GgmlType.I2_S, new long[]{128, 2}, packed).write(file);
        try (GgufFile f = GgufFile.open(file)) {
            String m = assertThrows(ModelFormatException.class,
                    () -> TernaryDecoder.decode(f, f.tensor("blk.1.ffn_up.weight"), Float.NaN)).getMessage();
            assertTrue(m.contains("code3.gguf") && m.contains("'blk.1.ffn_up.weight'") && m.contains("offset 40"), m);
        }
    }

    @Test
    void blockScalesMayDifferByF16RoundingButNotMore() {
        for (GgmlType type : new GgmlType[]{GgmlType.TQ2_0, GgmlType.TQ1_0}) {
            byte[] t = trits(512, 9);
            byte[] packed = TernaryCodec.of(type).encode(t, 1.5f);
            int d2 = type.blockBytes() + type.blockBytes() - 2; // second block's d
            short oneStep = (short) (Float.floatToFloat16(1.5f) + 1);
            packed[d2] = (byte) oneStep;
            packed[d2 + 1] = (byte) (oneStep >> 8);
            assertEquals(1.5f, TernaryCodec.of(type).decode(MemorySegment.ofArray(packed), new byte[512], "w"), type.name());
            short twoSteps = (short) (oneStep + 2);
            packed[d2] = (byte) twoSteps;
            packed[d2 + 1] = (byte) (twoSteps >> 8);
            String m = assertThrows(ModelFormatException.class,
                    () -> TernaryCodec.of(type).decode(MemorySegment.ofArray(packed), new byte[512], "f: tensor 'w'")).getMessage();
            assertTrue(m.contains("tensor 'w'") && m.contains("block 1") && m.contains("block 0"), m);
        }
    }
}
