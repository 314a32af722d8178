package dev.bitnet.safetensors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bitnet.gguf.ModelFormatException;

import dev.bitnet.io.MappedFile;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A safetensors file, memory-mapped read-only ({@link MappedFile}): an 8-byte little-endian header length, a JSON header mapping each
 * tensor's name to {@code {"dtype", "shape", "data_offsets": [begin, end]}} (offsets relative to the end of the
 * header), then the raw little-endian data. {@link #open} checks the whole header: every problem is a
 * {@link ModelFormatException} naming the file, the tensor and what was expected.
 */
public final class SafetensorsFile implements AutoCloseable {
    /** A header larger than this is refused (real ones are kilobytes; the format's own limit is 100 MB). */
    static final long MAX_HEADER_BYTES = 100L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MappedFile file;
    private final Map<String, SafetensorsTensor> tensors;

    private SafetensorsFile(MappedFile file, Map<String, SafetensorsTensor> tensors) {
        this.file = file;
        this.tensors = tensors;
    }

    public static SafetensorsFile open(Path path) {
        MappedFile mapped = MappedFile.open(path);
        try {
            return new SafetensorsFile(mapped, parse(path, mapped.bytes()));
        } catch (RuntimeException e) {
            mapped.close();
            throw e;
        }
    }

    private static Map<String, SafetensorsTensor> parse(Path path, MemorySegment data) {
        long size = data.byteSize();
        if (size < 8) throw new ModelFormatException(path + ": not a safetensors file: " + size + " bytes, shorter than the 8-byte header length");
        long headerBytes = data.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        if (headerBytes < 2 || headerBytes > MAX_HEADER_BYTES || 8 + headerBytes > size) {
            throw new ModelFormatException(path + ": the header length at offset 0 is " + headerBytes + ", expected 2.."
                    + Math.min(MAX_HEADER_BYTES, size - 8) + " (a truncated file, or not safetensors)");
        }
        JsonNode header;
        try {
            header = JSON.readTree(new String(data.asSlice(8, headerBytes).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new ModelFormatException(path + ": the JSON header (offset 8, " + headerBytes + " bytes) does not parse: "
                    + e.getOriginalMessage());
        }
        if (header == null || !header.isObject()) throw new ModelFormatException(path + ": the header is not a JSON object");
        long dataStart = 8 + headerBytes, dataBytes = size - dataStart;
        Map<String, SafetensorsTensor> tensors = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("__metadata__")) continue;
            tensors.put(e.getKey(), tensor(path, e.getKey(), e.getValue(), dataStart, dataBytes));
        }
        return Collections.unmodifiableMap(tensors);
    }

    private static SafetensorsTensor tensor(Path path, String name, JsonNode t, long dataStart, long dataBytes) {
        String where = path + ": tensor '" + name + "'";
        if (!t.isObject()) throw new ModelFormatException(where + ": its header entry is not an object");
        SafetensorsDtype dtype = SafetensorsDtype.byName(t.path("dtype").asText());
        if (dtype == null) {
            throw new ModelFormatException(where + " has dtype " + t.get("dtype") + ", expected one of F32, F16, BF16, U8, I8");
        }
        JsonNode shapeNode = t.get("shape"), offsets = t.get("data_offsets");
        if (shapeNode == null || !shapeNode.isArray()) throw new ModelFormatException(where + ": 'shape' is not an array");
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            if (!shapeNode.get(i).canConvertToLong() || shapeNode.get(i).asLong() < 0) {
                throw new ModelFormatException(where + ": dimension " + i + " is " + shapeNode.get(i) + ", expected an integer >= 0");
            }
            shape[i] = shapeNode.get(i).asLong();
        }
        if (offsets == null || !offsets.isArray() || offsets.size() != 2 || !offsets.get(0).canConvertToLong()
                || !offsets.get(1).canConvertToLong()) {
            throw new ModelFormatException(where + ": 'data_offsets' is " + offsets + ", expected [begin, end]");
        }
        long begin = offsets.get(0).asLong(), end = offsets.get(1).asLong();
        if (begin < 0 || end < begin || end > dataBytes) {
            throw new ModelFormatException(where + ": data_offsets [" + begin + ", " + end + "] fall outside the "
                    + dataBytes + " bytes of data (a truncated file?)");
        }
        var tensor = new SafetensorsTensor(name, dtype, shape, dataStart + begin, end - begin);
        long expected;
        try {
            expected = Math.multiplyExact(tensor.elements(), dtype.bytes());
        } catch (ArithmeticException e) {
            throw new ModelFormatException(where + ": shape " + tensor.shapeString() + " is too large");
        }
        if (expected != end - begin) {
            throw new ModelFormatException(where + ": shape " + tensor.shapeString() + " of " + dtype + " needs " + expected
                    + " bytes, data_offsets give " + (end - begin));
        }
        return tensor;
    }

    public Path path() {
        return file.path();
    }

    /** Every tensor, in header order. */
    public Map<String, SafetensorsTensor> tensors() {
        return tensors;
    }

    /** The tensor's bytes: a read-only slice of the mapping (no copy), valid until {@link #close()}. */
    public MemorySegment data(SafetensorsTensor t) {
        return file.slice(t.offset(), t.bytes());
    }

    /** Drops a tensor's pages from the resident set ({@link MappedFile#release}). */
    public void release(SafetensorsTensor t) {
        file.release(t.offset(), t.bytes());
    }

    @Override
    public void close() {
        file.close();
    }
}
