package dev.bitnet.gguf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** GgufWriter then GgufFile: every metadata value type, every tensor type, the getters' conversions and errors. */
class GgufRoundTripTest {
    @TempDir
    Path dir;

    private static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    private Path writeEveryValueType() {
        Path file = dir.resolve("values.gguf");
        new GgufWriter()
                .putUInt8("u8", 200).putInt8("i8", -100).putUInt16("u16", 60000).putInt16("i16", -30000)
                .putUInt32("u32", 4_000_000_000L).putInt32("i32", -2_000_000_000)
                .putFloat32("f32", 1.5e-5f).putBool("bool", true).putString("string", "héllo ☃ \u0000 end")
                .putUInt64("u64", 1L << 40).putInt64("i64", -(1L << 50)).putFloat64("f64", Math.PI)
                .putStringArray("a.string", List.of("a", "", "Ġthe", "<|eot_id|>"))
                .putInt32Array("a.i32", new int[]{1, -2, Integer.MAX_VALUE})
                .putFloat32Array("a.f32", new float[]{0f, -1.25f, Float.MAX_VALUE})
                .putArray("a.u8", GgufValueType.UINT8, new byte[]{1, (byte) 255})
                .putArray("a.i8", GgufValueType.INT8, List.of(-1, 5))
                .putArray("a.u16", GgufValueType.UINT16, new short[]{(short) 65535, 7})
                .putArray("a.i16", GgufValueType.INT16, List.of(-7, 7))
                .putArray("a.u32", GgufValueType.UINT32, new long[]{4_000_000_000L, 0})
                .putArray("a.u64", GgufValueType.UINT64, List.of(1L << 62))
                .putArray("a.i64", GgufValueType.INT64, new long[]{-5, 5})
                .putArray("a.f64", GgufValueType.FLOAT64, new double[]{0.1, -0.2})
                .putArray("a.bool", GgufValueType.BOOL, new boolean[]{true, false, true})
                .putArray("a.empty", GgufValueType.INT32, new int[0])
                .write(file);
        return file;
    }

    @Test
    void everyMetadataValueTypeRoundTrips() {
        try (GgufFile f = GgufFile.open(writeEveryValueType())) {
            assertEquals(3, f.version());
            assertEquals(GgufFile.DEFAULT_ALIGNMENT, f.alignment());
            assertEquals(200, f.getInt("u8"));
            assertEquals(-100, f.getInt("i8"));
            assertEquals(60000, f.getInt("u16"));
            assertEquals(-30000, f.getInt("i16"));
            assertEquals(4_000_000_000L, f.getLong("u32"));
            assertEquals(-2_000_000_000, f.getInt("i32"));
            assertEquals(1.5e-5f, f.getFloat("f32"));
            assertTrue(f.getBoolean("bool"));
            assertEquals("héllo ☃ \u0000 end", f.getString("string"));
            assertEquals(1L << 40, f.getLong("u64"));
            assertEquals(-(1L << 50), f.getLong("i64"));
            assertEquals((float) Math.PI, f.getFloat("f64"));
            assertEquals(Math.PI, f.value("f64").orElseThrow());
            assertEquals(List.of("a", "", "Ġthe", "<|eot_id|>"), f.getStringArray("a.string"));
            assertArrayEquals(new int[]{1, -2, Integer.MAX_VALUE}, f.getIntArray("a.i32"));
            assertEquals(List.of(1, -2, Integer.MAX_VALUE), f.value("a.i32").orElseThrow());
            assertArrayEquals(new float[]{0f, -1.25f, Float.MAX_VALUE}, f.getFloatArray("a.f32"));
            assertArrayEquals(new int[]{1, 255}, f.getIntArray("a.u8"));
            assertArrayEquals(new int[]{-1, 5}, f.getIntArray("a.i8"));
            assertArrayEquals(new int[]{65535, 7}, f.getIntArray("a.u16"));
            assertArrayEquals(new int[]{-7, 7}, f.getIntArray("a.i16"));
            assertEquals(List.of(4_000_000_000L, 0L), f.value("a.u32").orElseThrow());
            assertEquals(List.of(1L << 62), f.value("a.u64").orElseThrow());
            assertEquals(List.of(-5L, 5L), f.value("a.i64").orElseThrow());
            assertEquals(List.of(0.1, -0.2), f.value("a.f64").orElseThrow());
            assertEquals(List.of(true, false, true), f.value("a.bool").orElseThrow());
            assertArrayEquals(new int[0], f.getIntArray("a.empty"));
            for (GgufValueType t : GgufValueType.values()) {
                if (t != GgufValueType.ARRAY) assertTrue(f.keys().stream().anyMatch(k -> f.type(k).orElseThrow() == t), t.name());
            }
            assertEquals(GgufValueType.ARRAY, f.type("a.bool").orElseThrow());
        }
    }

    @Test
    void gettersReportMissingKeysAndWrongTypes() {
        Path file = writeEveryValueType();
        try (GgufFile f = GgufFile.open(file)) {
            String m = assertThrows(ModelFormatException.class, () -> f.getInt("string")).getMessage();
            assertTrue(m.contains("values.gguf") && m.contains("metadata key 'string' has type string, expected an integer"), m);
            m = assertThrows(ModelFormatException.class, () -> f.getString("u32")).getMessage();
            assertTrue(m.contains("'u32' has type uint32, expected a string"), m);
            m = assertThrows(ModelFormatException.class, () -> f.getInt("nope")).getMessage();
            assertTrue(m.contains("values.gguf") && m.contains("missing metadata key 'nope'"), m);
            m = assertThrows(ModelFormatException.class, () -> f.getInt("u32")).getMessage();
            assertTrue(m.contains("out of the int range"), m);
            m = assertThrows(ModelFormatException.class, () -> f.getStringArray("a.i32")).getMessage();
            assertTrue(m.contains("'a.i32'") && m.contains("expected an array of strings"), m);
            m = assertThrows(ModelFormatException.class, () -> f.tensor("x.weight")).getMessage();
            assertTrue(m.contains("missing tensor 'x.weight'"), m);
        }
    }

    @Test
    void everyTensorTypeRoundTripsAligned() {
        Path file = dir.resolve("tensors.gguf");
        GgufWriter w = new GgufWriter().putString("general.architecture", "test");
        int i = 0;
        for (GgmlType type : GgmlType.values()) {
            long[] dims = {type.blockSize() * 2L, 3};
            int bytes = (int) type.byteSize(6L * type.blockSize());
            w.addTensor("t." + type, type, dims, randomBytes(bytes, i++));
        }
        w.addTensor("one.dim", GgmlType.F32, new long[]{5}, randomBytes(20, 99));
        w.addTensor("four.dims", GgmlType.F16, new long[]{2, 3, 4, 5}, randomBytes(240, 98));
        w.write(file);
        try (GgufFile f = GgufFile.open(file)) {
            assertEquals(GgmlType.values().length + 2, f.tensors().size());
            i = 0;
            for (GgmlType type : GgmlType.values()) {
                GgufTensorInfo t = f.tensor("t." + type);
                assertEquals(type, t.type());
                assertArrayEquals(new long[]{type.blockSize() * 2L, 3}, t.dims());
                assertEquals(3, t.rows());
                assertEquals(type.blockSize() * 2L, t.cols());
                assertEquals(0, t.fileOffset() % 32, type + " aligned");
                assertArrayEquals(randomBytes((int) type.byteSize(6L * type.blockSize()), i++),
                        f.data(t).toArray(ValueLayout.JAVA_BYTE), type.name());
            }
            assertArrayEquals(randomBytes(20, 99), f.data(f.tensor("one.dim")).toArray(ValueLayout.JAVA_BYTE));
            GgufTensorInfo four = f.tensor("four.dims");
            assertEquals(60, four.rows());
            assertEquals("{2, 3, 4, 5}", four.shape());
            assertArrayEquals(randomBytes(240, 98), f.data(four).toArray(ValueLayout.JAVA_BYTE));
        }
    }

    @Test
    void version2AndOtherAlignmentsAreRead() throws IOException {
        Path file = dir.resolve("v2.gguf");
        new GgufWriter().putUInt32(GgufFile.ALIGNMENT_KEY, 32).putString("k", "v")
                .addTensor("t", GgmlType.F32, new long[]{8}, randomBytes(32, 1)).write(file);
        byte[] b = Files.readAllBytes(file);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(4, 2);
        Files.write(file, b);
        try (GgufFile f = GgufFile.open(file)) {
            assertEquals(2, f.version());
            assertEquals("v", f.getString("k"));
            assertArrayEquals(randomBytes(32, 1), f.data(f.tensor("t")).toArray(ValueLayout.JAVA_BYTE));
        }
    }

    @Test
    void writerRefusesShapesThatAreNotWholeBlocks() {
        GgufWriter w = new GgufWriter();
        assertThrows(IllegalArgumentException.class, () -> w.addTensor("q", GgmlType.Q8_0, new long[]{33}, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> w.addTensor("z", GgmlType.F32, new long[]{0}, new byte[0]));
        w.addTensor("short", GgmlType.F32, new long[]{4}, new byte[15]);
        assertThrows(IllegalArgumentException.class, () -> w.write(dir.resolve("short.gguf")));
    }
}
