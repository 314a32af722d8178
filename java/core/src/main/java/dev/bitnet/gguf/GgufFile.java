package dev.bitnet.gguf;

import dev.bitnet.io.MappedFile;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A GGUF file (version 2 or 3), memory-mapped read-only through the FFM API, so files over 2 GB work and tensor data
 * is never copied unless a decoder has to. {@link #open} checks the whole header, metadata and tensor table; every
 * problem is a {@link ModelFormatException} naming the file, the offset and what was expected.
 *
 * <p>Layout: magic "GGUF", u32 version, u64 tensor count, u64 key-value count, the key-values (string key, u32 value
 * type, value), the tensor infos (string name, u32 n_dims, u64 dims ne0 first, u32 ggml type, u64 offset relative to
 * the data section), then the data section, aligned to {@code general.alignment} (default 32).
 */
public final class GgufFile implements AutoCloseable {
    public static final int MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
    public static final int DEFAULT_ALIGNMENT = 32;
    public static final String ALIGNMENT_KEY = "general.alignment";

    private final Path path;
    private final MappedFile file;
    private final MemorySegment data;
    private final int version;
    private final int alignment;
    private final Map<String, Object> metadata;
    private final Map<String, GgufValueType> metadataTypes;
    private final Map<String, GgufTensorInfo> tensors;

    private GgufFile(Path path, MappedFile file, int version, int alignment,
                     Map<String, Object> metadata, Map<String, GgufValueType> metadataTypes,
                     Map<String, GgufTensorInfo> tensors) {
        this.path = path;
        this.file = file;
        this.data = file.bytes();
        this.version = version;
        this.alignment = alignment;
        this.metadata = metadata;
        this.metadataTypes = metadataTypes;
        this.tensors = tensors;
    }

    /** Opens and validates the header, metadata and tensor table; throws ModelFormatException on bad input. */
    public static GgufFile open(Path path) {
        MappedFile mapped = MappedFile.open(path);
        try {
            return parse(path, mapped);
        } catch (RuntimeException e) {
            mapped.close();
            throw e;
        }
    }

    private static GgufFile parse(Path path, MappedFile mapped) {
        MemorySegment data = mapped.bytes();
        GgufReader r = new GgufReader(path, data);
        r.context = "the magic bytes";
        if (data.byteSize() < 4 || data.get(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), 0) != MAGIC) {
            byte[] first = data.asSlice(0, Math.min(4, data.byteSize())).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            throw new ModelFormatException(path + ": not a GGUF file: it starts with " + describe(first)
                    + ", expected the magic bytes 'GGUF'");
        }
        r.u32();
        r.context = "the version";
        long version = r.u32();
        if (version != 2 && version != 3) {
            throw new ModelFormatException(path + ": GGUF version " + version + " (at offset 4) is not supported (expected 2 or 3)");
        }
        r.context = "the tensor count";
        long tensorCount = r.count(24);
        r.context = "the metadata count";
        long kvCount = r.count(12);

        Map<String, Object> metadata = new LinkedHashMap<>();
        Map<String, GgufValueType> types = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            r.context = "the key of metadata entry " + i;
            String key = r.string();
            r.context = "metadata key '" + key + "'";
            long typeAt = r.position();
            long typeId = r.u32();
            GgufValueType type = GgufValueType.byId(typeId);
            if (type == null) {
                throw new ModelFormatException(path + ": metadata key '" + key + "' at offset " + typeAt
                        + " has unknown value type " + typeId + " (expected 0..12)");
            }
            metadata.put(key, r.value(type));
            types.put(key, type);
        }
        int alignment = DEFAULT_ALIGNMENT;
        if (metadata.containsKey(ALIGNMENT_KEY)) {
            Object a = metadata.get(ALIGNMENT_KEY);
            long v = a instanceof Number n ? n.longValue() : -1;
            if (v <= 0 || v > (1 << 20) || Long.bitCount(v) != 1) {
                throw new ModelFormatException(path + ": metadata key '" + ALIGNMENT_KEY + "' is " + a
                        + ", expected a power of two");
            }
            alignment = (int) v;
        }

        List<RawTensor> raw = new ArrayList<>();
        for (long i = 0; i < tensorCount; i++) {
            long infoAt = r.position();
            r.context = "the name of tensor " + i;
            String name = r.string();
            r.context = "tensor '" + name + "'";
            long nDims = r.u32();
            if (nDims < 1 || nDims > 4) throw r.fail("tensor '" + name + "' has " + nDims + " dimensions, expected 1 to 4");
            long[] dims = new long[(int) nDims];
            for (int d = 0; d < nDims; d++) dims[d] = r.u64();
            long typeId = r.u32();
            long offset = r.u64();
            raw.add(new RawTensor(name, infoAt, dims, typeId, offset));
        }
        long dataStart = align(r.position(), alignment);
        if (tensorCount > 0) r.skipTo(dataStart); // a file without tensors may end right after its metadata

        Map<String, GgufTensorInfo> tensors = new LinkedHashMap<>();
        for (RawTensor t : raw) {
            GgufTensorInfo info = t.check(path, dataStart, data.byteSize(), alignment);
            if (tensors.put(info.name(), info) != null) {
                throw new ModelFormatException(t.where(path) + " appears twice: tensor names must be unique");
            }
        }
        return new GgufFile(path, mapped, (int) version, alignment, Collections.unmodifiableMap(metadata),
                types, Collections.unmodifiableMap(tensors));
    }

    /** A tensor entry as read, before its type and extent are checked. */
    private record RawTensor(String name, long infoAt, long[] dims, long typeId, long offset) {
        /** "file: tensor 'x' (info at offset N)": the start of every message about this tensor. */
        private String where(Path path) {
            return path + ": tensor '" + name + "' (info at offset " + infoAt + ")";
        }

        GgufTensorInfo check(Path path, long dataStart, long fileSize, int alignment) {
            GgmlType type = GgmlType.byId((int) Math.min(typeId, Integer.MAX_VALUE));
            if (type == null) {
                throw new ModelFormatException(where(path) + " has unknown ggml type id " + typeId
                        + " (supported: " + GgmlType.supportedList() + ")");
            }
            long elements = 1;
            for (long d : dims) {
                if (d <= 0) throw new ModelFormatException(where(path) + " has dimension " + d + " in " + shape(dims) + ", expected > 0");
                try {
                    elements = Math.multiplyExact(elements, d);
                } catch (ArithmeticException e) {
                    throw new ModelFormatException(where(path) + " has absurd dimensions "
                            + shape(dims) + " (element count overflows)");
                }
            }
            long bytes;
            try {
                bytes = type.byteSize(elements);
            } catch (ArithmeticException e) {
                bytes = Long.MAX_VALUE;
            }
            if (bytes < 0) {
                throw new ModelFormatException(where(path) + " of type " + type + " " + shape(dims) + " has " + elements
                        + " elements, not a multiple of its block size " + type.blockSize());
            }
            if (type != GgmlType.I2_S && dims[0] % type.blockSize() != 0) { // I2_S blocks run over the whole tensor
                throw new ModelFormatException(where(path) + " of type " + type + " " + shape(dims) + " has rows of "
                        + dims[0] + " values, not a multiple of its block size " + type.blockSize());
            }
            if (offset % alignment != 0) {
                throw new ModelFormatException(where(path) + " has data offset " + offset
                        + " (relative to the data section at " + dataStart + "), not a multiple of the alignment " + alignment);
            }
            long start = dataStart + offset;
            if (start < 0 || bytes > fileSize || start > fileSize - bytes) {
                throw new ModelFormatException(where(path) + " (" + type + " " + shape(dims) + ", "
                        + bytes + " bytes at file offset " + start + ") runs past the end of the file ("
                        + fileSize + " bytes); the file is truncated or corrupt");
            }
            return new GgufTensorInfo(name, type, dims.clone(), start, bytes);
        }
    }

    static long align(long offset, int alignment) {
        return (offset + alignment - 1) / alignment * alignment;
    }

    private static String shape(long[] dims) {
        return new GgufTensorInfo("", GgmlType.F32, dims, 0, 0).shape();
    }

    private static String describe(byte[] bytes) {
        StringBuilder hex = new StringBuilder();
        for (byte b : bytes) hex.append(String.format("%02x ", b));
        String text = new String(bytes, StandardCharsets.ISO_8859_1).replaceAll("[^\\x20-\\x7e]", ".");
        return bytes.length == 0 ? "nothing (empty file)" : "'" + text + "' (" + hex.toString().trim() + ")";
    }

    // ---- accessors -------------------------------------------------------------------------------------------------

    public Path path() {
        return path;
    }

    public int version() {
        return version;
    }

    public long fileSize() {
        return data.byteSize();
    }

    public int alignment() {
        return alignment;
    }

    public Set<String> keys() {
        return metadata.keySet();
    }

    public boolean has(String key) {
        return metadata.containsKey(key);
    }

    /** The value type a key was stored with. */
    public Optional<GgufValueType> type(String key) {
        return Optional.ofNullable(metadataTypes.get(key));
    }

    /** The raw value: String, Boolean, Integer/Long (unsigned types widened), Float/Double, or a List of these. */
    public Optional<Object> value(String key) {
        Object v = metadata.get(key);
        if (v instanceof int[] a) return Optional.of(new AbstractList<Integer>() {
            public Integer get(int i) { return a[i]; }
            public int size() { return a.length; }
        });
        if (v instanceof float[] a) return Optional.of(new AbstractList<Float>() {
            public Float get(int i) { return a[i]; }
            public int size() { return a.length; }
        });
        return Optional.ofNullable(v);
    }

    private Object require(String key) {
        Object v = metadata.get(key);
        if (v == null) throw new ModelFormatException(path + ": missing metadata key '" + key + "'");
        return v;
    }

    private ModelFormatException wrongType(String key, String expected) {
        return new ModelFormatException(path + ": metadata key '" + key + "' has type "
                + metadataTypes.get(key).name().toLowerCase() + ", expected " + expected);
    }

    public String getString(String key) {
        if (require(key) instanceof String s) return s;
        throw wrongType(key, "a string");
    }

    public long getLong(String key) {
        Object v = require(key);
        if ((v instanceof Integer || v instanceof Long) && metadataTypes.get(key).isInteger()) return ((Number) v).longValue();
        throw wrongType(key, "an integer");
    }

    public int getInt(String key) {
        long v = getLong(key);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new ModelFormatException(path + ": metadata key '" + key + "' is " + v + ", out of the int range");
        }
        return (int) v;
    }

    public float getFloat(String key) {
        Object v = require(key);
        if (v instanceof Float || v instanceof Double) return ((Number) v).floatValue();
        if (metadataTypes.get(key).isInteger()) return ((Number) v).floatValue();
        throw wrongType(key, "a number");
    }

    public boolean getBoolean(String key) {
        if (require(key) instanceof Boolean b) return b;
        throw wrongType(key, "a bool");
    }

    @SuppressWarnings("unchecked")
    public List<String> getStringArray(String key) {
        Object v = require(key);
        if (v instanceof List<?> list && (list.isEmpty() || list.getFirst() instanceof String)) return (List<String>) list;
        throw wrongType(key, "an array of strings");
    }

    public int[] getIntArray(String key) {
        Object v = require(key);
        if (v instanceof int[] a) return a.clone();
        if (v instanceof List<?> list && list.stream().allMatch(o -> o instanceof Integer || o instanceof Long)) {
            return list.stream().mapToInt(o -> (int) ((Number) o).longValue()).toArray();
        }
        throw wrongType(key, "an array of integers");
    }

    public float[] getFloatArray(String key) {
        Object v = require(key);
        if (v instanceof float[] a) return a.clone();
        if (v instanceof List<?> list && list.stream().allMatch(o -> o instanceof Number)) {
            float[] out = new float[list.size()];
            for (int i = 0; i < out.length; i++) out[i] = ((Number) list.get(i)).floatValue();
            return out;
        }
        throw wrongType(key, "an array of numbers");
    }

    public List<GgufTensorInfo> tensors() {
        return List.copyOf(tensors.values());
    }

    public Optional<GgufTensorInfo> findTensor(String name) {
        return Optional.ofNullable(tensors.get(name));
    }

    public GgufTensorInfo tensor(String name) {
        GgufTensorInfo t = tensors.get(name);
        if (t == null) throw new ModelFormatException(path + ": missing tensor '" + name + "'");
        return t;
    }

    /** The tensor's bytes: a read-only slice of the mapped file, valid until {@link #close()}. */
    public MemorySegment data(GgufTensorInfo tensor) {
        return file.slice(tensor.fileOffset(), tensor.byteSize());
    }

    /** Drops a tensor's pages from the resident set ({@link MappedFile#release}). */
    public void release(GgufTensorInfo tensor) {
        file.release(tensor.fileOffset(), tensor.byteSize());
    }

    @Override
    public void close() {
        file.close();
    }
}
