package dev.bitnet.gguf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A bounds-checked little-endian cursor over a mapped GGUF file: every read that would pass the end becomes a
 * {@link ModelFormatException} naming the file, the offset and what was being read.
 */
final class GgufReader {
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path path;
    private final MemorySegment data;
    private long pos;
    /** What is being read, for error messages ("metadata key 'x'"). */
    String context = "the header";

    GgufReader(Path path, MemorySegment data) {
        this.path = path;
        this.data = data;
    }

    long position() {
        return pos;
    }

    long remaining() {
        return data.byteSize() - pos;
    }

    private long take(long n) {
        if (n < 0 || n > remaining()) {
            throw new ModelFormatException(path + ": truncated at offset " + pos + " while reading " + context
                    + " (needs " + n + " bytes, " + remaining() + " left in a file of " + data.byteSize() + ")");
        }
        long at = pos;
        pos += n;
        return at;
    }

    int u8() {
        return Byte.toUnsignedInt(data.get(ValueLayout.JAVA_BYTE, take(1)));
    }

    int u32AsInt() {
        long v = Integer.toUnsignedLong(data.get(I32, take(4)));
        if (v > Integer.MAX_VALUE) throw fail("a 32-bit value of " + v + " is out of range");
        return (int) v;
    }

    long u32() {
        return Integer.toUnsignedLong(data.get(I32, take(4)));
    }

    /** A u64 that must fit in a non-negative long. */
    long u64() {
        long at = pos;
        long v = data.get(I64, take(8));
        if (v < 0) throw new ModelFormatException(path + ": value " + Long.toUnsignedString(v) + " at offset " + at
                + " in " + context + " is out of range");
        return v;
    }

    /** A count of items each at least {@code minBytes} long: larger than what is left means a corrupt file. */
    long count(int minBytes) {
        long at = pos;
        long n = u64();
        if (n > remaining() / Math.max(1, minBytes)) {
            throw new ModelFormatException(path + ": truncated or corrupt: " + context + " at offset " + at + " claims "
                    + n + " entries (at least " + minBytes + " bytes each) but only " + remaining() + " bytes are left");
        }
        return n;
    }

    String string() {
        long at = pos;
        long len = u64();
        if (len > remaining()) {
            throw new ModelFormatException(path + ": string of " + len + " bytes at offset " + at + " in " + context
                    + " runs past the end of the file (" + remaining() + " bytes left)");
        }
        if (len > Integer.MAX_VALUE - 8) throw fail("string of " + len + " bytes is too long");
        long from = take(len);
        return new String(data.asSlice(from, len).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
    }

    /** One metadata value of the given type (arrays recursively). */
    Object value(GgufValueType type) {
        return switch (type) {
            case UINT8 -> u8();
            case INT8 -> (int) data.get(ValueLayout.JAVA_BYTE, take(1));
            case UINT16 -> Short.toUnsignedInt(data.get(I16, take(2)));
            case INT16 -> (int) data.get(I16, take(2));
            case UINT32 -> u32();
            case INT32 -> data.get(I32, take(4));
            case FLOAT32 -> data.get(F32, take(4));
            case BOOL -> u8() != 0;
            case STRING -> string();
            case UINT64 -> data.get(I64, take(8)); // values over 2^63 stay as their two's-complement long
            case INT64 -> data.get(I64, take(8));
            case FLOAT64 -> data.get(F64, take(8));
            case ARRAY -> array();
        };
    }

    private Object array() {
        long at = pos;
        long typeId = u32();
        GgufValueType type = GgufValueType.byId(typeId);
        if (type == null) throw new ModelFormatException(path + ": array at offset " + at + " in " + context
                + " has unknown element type " + typeId);
        long n = count(type.size() > 0 ? type.size() : 8);
        if (n > Integer.MAX_VALUE - 8) throw fail("array of " + n + " elements is too long");
        int count = (int) n;
        return switch (type) {
            case STRING -> {
                List<String> list = new ArrayList<>(count);
                for (int i = 0; i < count; i++) list.add(string());
                yield List.copyOf(list);
            }
            case INT32 -> data.asSlice(take(4L * count), 4L * count).toArray(I32);
            case FLOAT32 -> data.asSlice(take(4L * count), 4L * count).toArray(F32);
            case UINT32, UINT8, INT8, UINT16, INT16, BOOL, UINT64, INT64, FLOAT64, ARRAY -> {
                Object[] values = new Object[count];
                for (int i = 0; i < count; i++) values[i] = value(type);
                yield Arrays.asList(values);
            }
        };
    }

    void skipTo(long offset) {
        if (offset > data.byteSize()) {
            throw new ModelFormatException(path + ": truncated: the tensor data section would start at offset "
                    + offset + " but the file has " + data.byteSize() + " bytes");
        }
        pos = offset;
    }

    ModelFormatException fail(String what) {
        return new ModelFormatException(path + ": " + what + " (offset " + pos + ", " + context + ")");
    }
}
