package dev.bitnet.gguf;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Writes GGUF v3 files (the layout {@link GgufFile} reads): magic, version 3, counts, the metadata in insertion order,
 * the tensor infos (offsets relative to the data section, each tensor's data padded with zeros to 32 bytes), zero
 * padding to 32, then the tensors. Tensor data is produced one tensor at a time when the file is written, so
 * multi-gigabyte files never sit in memory. Scalars are written with the type of the putter; arrays take a
 * primitive array (int[], long[], float[], double[], boolean[], byte[], short[]) or a List of boxed values / strings.
 */
public final class GgufWriter {
    /** A typed metadata value. */
    public record Value(GgufValueType type, Object value, GgufValueType elementType) {
    }

    private record PendingTensor(String name, GgmlType type, long[] dims, Supplier<byte[]> data) {
    }

    private final Map<String, Value> metadata = new LinkedHashMap<>();
    private final List<PendingTensor> tensors = new ArrayList<>();

    public GgufWriter putString(String key, String v) {
        return put(key, new Value(GgufValueType.STRING, v, null));
    }

    public GgufWriter putUInt8(String key, int v) {
        return put(key, new Value(GgufValueType.UINT8, v, null));
    }

    public GgufWriter putInt8(String key, int v) {
        return put(key, new Value(GgufValueType.INT8, v, null));
    }

    public GgufWriter putUInt16(String key, int v) {
        return put(key, new Value(GgufValueType.UINT16, v, null));
    }

    public GgufWriter putInt16(String key, int v) {
        return put(key, new Value(GgufValueType.INT16, v, null));
    }

    public GgufWriter putInt64(String key, long v) {
        return put(key, new Value(GgufValueType.INT64, v, null));
    }

    public GgufWriter putFloat64(String key, double v) {
        return put(key, new Value(GgufValueType.FLOAT64, v, null));
    }

    /** An array of any element type but ARRAY: a List of boxed values / strings, or a primitive array. */
    public GgufWriter putArray(String key, GgufValueType elementType, Object values) {
        if (elementType == GgufValueType.ARRAY) throw new IllegalArgumentException("nested arrays are not written");
        return put(key, new Value(GgufValueType.ARRAY, values, elementType));
    }

    public GgufWriter putUInt32(String key, long v) {
        return put(key, new Value(GgufValueType.UINT32, v, null));
    }

    public GgufWriter putInt32(String key, int v) {
        return put(key, new Value(GgufValueType.INT32, v, null));
    }

    public GgufWriter putUInt64(String key, long v) {
        return put(key, new Value(GgufValueType.UINT64, v, null));
    }

    public GgufWriter putFloat32(String key, float v) {
        return put(key, new Value(GgufValueType.FLOAT32, v, null));
    }

    public GgufWriter putBool(String key, boolean v) {
        return put(key, new Value(GgufValueType.BOOL, v, null));
    }

    public GgufWriter putStringArray(String key, List<String> v) {
        return put(key, new Value(GgufValueType.ARRAY, v, GgufValueType.STRING));
    }

    public GgufWriter putInt32Array(String key, int[] v) {
        return put(key, new Value(GgufValueType.ARRAY, v, GgufValueType.INT32));
    }

    public GgufWriter putFloat32Array(String key, float[] v) {
        return put(key, new Value(GgufValueType.ARRAY, v, GgufValueType.FLOAT32));
    }

    /** Any value, scalar or array (elementType for arrays, with the value a List of boxed scalars or a primitive array). */
    public GgufWriter put(String key, Value v) {
        metadata.put(key, v);
        return this;
    }

    public GgufWriter remove(String key) {
        metadata.remove(key);
        return this;
    }

    /** Adds a tensor; {@code data} is called once, when the file is written. */
    public GgufWriter addTensor(String name, GgmlType type, long[] dims, Supplier<byte[]> data) {
        checkShape(name, type, dims);
        tensors.add(new PendingTensor(name, type, dims.clone(), data));
        return this;
    }

    public GgufWriter addTensor(String name, GgmlType type, long[] dims, byte[] data) {
        return addTensor(name, type, dims, () -> data);
    }

    /**
     * A writer holding everything {@code source} holds (tensors copied from its mapping when written); drop or replace
     * entries to make a variant of a file.
     */
    public static GgufWriter copyOf(GgufFile source) {
        GgufWriter w = new GgufWriter();
        for (String key : source.keys()) {
            GgufValueType type = source.type(key).orElseThrow();
            Object v = source.value(key).orElseThrow();
            GgufValueType element = null;
            if (type == GgufValueType.ARRAY) {
                List<?> list = (List<?>) v;
                element = list.isEmpty() ? GgufValueType.INT32 : elementTypeOf(list.getFirst());
            }
            w.put(key, new Value(type, v, element));
        }
        for (GgufTensorInfo t : source.tensors()) {
            w.addTensor(t.name(), t.type(), t.dims(), () -> source.data(t).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        }
        return w;
    }

    private static GgufValueType elementTypeOf(Object o) {
        return switch (o) {
            case String s -> GgufValueType.STRING;
            case Float f -> GgufValueType.FLOAT32;
            case Double d -> GgufValueType.FLOAT64;
            case Boolean b -> GgufValueType.BOOL;
            case Long l -> GgufValueType.INT64;
            default -> GgufValueType.INT32;
        };
    }

    private static long checkShape(String name, GgmlType type, long[] dims) {
        if (dims.length < 1 || dims.length > 4) throw new IllegalArgumentException("tensor '" + name + "' needs 1 to 4 dimensions");
        long elements = 1;
        for (long d : dims) {
            if (d <= 0) throw new IllegalArgumentException("tensor '" + name + "' has dimension " + d);
            elements = Math.multiplyExact(elements, d);
        }
        long bytes = type.byteSize(elements);
        if (bytes < 0) {
            throw new IllegalArgumentException("tensor '" + name + "': " + elements + " elements are not a whole number of "
                    + type + " blocks of " + type.blockSize());
        }
        return bytes;
    }

    public GgufWriter removeTensor(String name) {
        tensors.removeIf(t -> t.name().equals(name));
        return this;
    }

    /** Replaces a tensor's type, shape and data, keeping its place. */
    public GgufWriter replaceTensor(String name, GgmlType type, long[] dims, byte[] data) {
        for (int i = 0; i < tensors.size(); i++) {
            if (tensors.get(i).name().equals(name)) {
                checkShape(name, type, dims);
                tensors.set(i, new PendingTensor(name, type, dims.clone(), () -> data));
            }
        }
        return this;
    }

    public void write(Path path) {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(path), 1 << 20)) {
            Sink s = new Sink(out);
            s.u32(GgufFile.MAGIC);
            s.u32(3);
            s.u64(tensors.size());
            s.u64(metadata.size());
            for (var e : metadata.entrySet()) {
                s.string(e.getKey());
                s.u32(e.getValue().type().id());
                s.value(e.getValue().type(), e.getValue().value(), e.getValue().elementType());
            }
            long offset = 0;
            long[] sizes = new long[tensors.size()];
            for (int i = 0; i < tensors.size(); i++) {
                PendingTensor t = tensors.get(i);
                sizes[i] = checkShape(t.name(), t.type(), t.dims());
                s.string(t.name());
                s.u32(t.dims().length);
                for (long d : t.dims()) s.u64(d);
                s.u32(t.type().id());
                s.u64(offset);
                offset = GgufFile.align(offset + sizes[i], GgufFile.DEFAULT_ALIGNMENT);
            }
            s.pad(GgufFile.DEFAULT_ALIGNMENT);
            for (int i = 0; i < tensors.size(); i++) {
                byte[] data = tensors.get(i).data().get();
                if (data.length != sizes[i]) {
                    throw new IllegalArgumentException("tensor '" + tensors.get(i).name() + "' has " + data.length
                            + " bytes of data, its type and shape need " + sizes[i]);
                }
                s.bytes(data);
                s.pad(GgufFile.DEFAULT_ALIGNMENT);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + path, e);
        }
    }

    /** Little-endian output that tracks its position (for alignment). */
    private static final class Sink {
        private final OutputStream out;
        private final ByteBuffer buf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        private long pos;

        Sink(OutputStream out) {
            this.out = out;
        }

        void bytes(byte[] b) throws IOException {
            out.write(b);
            pos += b.length;
        }

        private void flushBuf() throws IOException {
            out.write(buf.array(), 0, buf.position());
            pos += buf.position();
            buf.clear();
        }

        void u8(int v) throws IOException {
            buf.put((byte) v);
            flushBuf();
        }

        void u16(int v) throws IOException {
            buf.putShort((short) v);
            flushBuf();
        }

        void u32(long v) throws IOException {
            buf.putInt((int) v);
            flushBuf();
        }

        void u64(long v) throws IOException {
            buf.putLong(v);
            flushBuf();
        }

        void string(String s) throws IOException {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            bytes(b);
        }

        void pad(int alignment) throws IOException {
            while (pos % alignment != 0) u8(0);
        }

        void value(GgufValueType type, Object v, GgufValueType elementType) throws IOException {
            switch (type) {
                case UINT8, INT8, BOOL -> u8(v instanceof Boolean b ? (b ? 1 : 0) : ((Number) v).intValue());
                case UINT16, INT16 -> u16(((Number) v).intValue());
                case UINT32, INT32 -> u32(((Number) v).longValue());
                case FLOAT32 -> u32(Float.floatToRawIntBits(((Number) v).floatValue()));
                case UINT64, INT64 -> u64(((Number) v).longValue());
                case FLOAT64 -> u64(Double.doubleToRawLongBits(((Number) v).doubleValue()));
                case STRING -> string((String) v);
                case ARRAY -> {
                    u32(elementType.id());
                    switch (v) {
                        case int[] a -> {
                            u64(a.length);
                            for (int x : a) value(elementType, x, null);
                        }
                        case float[] a -> {
                            u64(a.length);
                            for (float x : a) value(elementType, x, null);
                        }
                        case long[] a -> {
                            u64(a.length);
                            for (long x : a) value(elementType, x, null);
                        }
                        case double[] a -> {
                            u64(a.length);
                            for (double x : a) value(elementType, x, null);
                        }
                        case short[] a -> {
                            u64(a.length);
                            for (short x : a) value(elementType, x, null);
                        }
                        case byte[] a -> {
                            u64(a.length);
                            for (byte x : a) value(elementType, x, null);
                        }
                        case boolean[] a -> {
                            u64(a.length);
                            for (boolean x : a) value(elementType, x, null);
                        }
                        case List<?> list -> {
                            u64(list.size());
                            for (Object x : list) value(elementType, x, null);
                        }
                        default -> throw new IllegalArgumentException("array value of " + v.getClass());
                    }
                }
            }
        }
    }
}
