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

/** EmbeddingDecoder: F16 is the mapped slice itself, other float types convert to the same values rounded to f16. */
class EmbeddingDecoderTest {
    @TempDir
    Path dir;

    @Test
    void everyFloatTypeGivesAnF16Matrix() {
        int rows = 6, cols = 512;
        float[] v = new float[rows * cols];
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
        Path file = dir.resolve("emb.gguf");
        GgufWriter w = new GgufWriter();
        GgmlType[] types = {GgmlType.F16, GgmlType.F32, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q6_K};
        for (GgmlType t : types) w.addTensor("e." + t, t, new long[]{cols, rows}, FloatCodecs.encode(t, v));
        w.write(file);
        try (GgufFile f = GgufFile.open(file)) {
            for (GgmlType t : types) {
                var info = f.tensor("e." + t);
                F16Matrix m = EmbeddingDecoder.toF16(f, info);
                assertEquals(rows, m.rows());
                assertEquals(cols, m.cols());
                float[] decoded = new float[v.length];
                FloatCodecs.decode(t, f.data(info), 0, decoded);
                float[] row = new float[cols];
                for (int rr = 0; rr < rows; rr++) {
                    m.row(rr, row);
                    for (int c = 0; c < cols; c++) {
                        assertEquals(Float.float16ToFloat(Float.floatToFloat16(decoded[rr * cols + c])), row[c], t + " " + rr + "," + c);
                    }
                }
                if (t == GgmlType.F16) {
                    MemorySegment mapped = f.data(info);
                    assertEquals(mapped.address(), m.data().address(), "F16 must be the mapped slice, not a copy");
                }
            }
        }
    }

    @Test
    void vectorsOfF32F16Bf16() {
        float[] v = {1f, -0.5f, 1.25f, 3f};
        Path file = dir.resolve("norms.gguf");
        GgufWriter w = new GgufWriter();
        for (GgmlType t : new GgmlType[]{GgmlType.F32, GgmlType.F16, GgmlType.BF16}) {
            w.addTensor("n." + t, t, new long[]{4}, FloatCodecs.encode(t, v));
        }
        w.addTensor("q", GgmlType.Q8_0, new long[]{32}, new byte[34]);
        w.write(file);
        try (GgufFile f = GgufFile.open(file)) {
            for (GgmlType t : new GgmlType[]{GgmlType.F32, GgmlType.F16, GgmlType.BF16}) {
                assertArrayEquals(v, EmbeddingDecoder.toF32Vector(f, f.tensor("n." + t)), t.name());
            }
            String m = assertThrows(ModelFormatException.class, () -> EmbeddingDecoder.toF32Vector(f, f.tensor("q"))).getMessage();
            assertTrue(m.contains("norms.gguf") && m.contains("'q'") && m.contains("expected F32, F16 or BF16"), m);
        }
    }
}
