package dev.bitnet.gguf;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A GGUF file, memory-mapped read-only (files over 2 GB included). STUB: signatures fixed, bodies being written.
 */
public final class GgufFile implements AutoCloseable {

    /** Opens and validates the header, metadata and tensor table; throws ModelFormatException on bad input. */
    public static GgufFile open(Path path) {
        throw new UnsupportedOperationException("TODO");
    }

    public Path path() { throw new UnsupportedOperationException("TODO"); }
    public int version() { throw new UnsupportedOperationException("TODO"); }
    public long fileSize() { throw new UnsupportedOperationException("TODO"); }
    public int alignment() { throw new UnsupportedOperationException("TODO"); }
    public Set<String> keys() { throw new UnsupportedOperationException("TODO"); }
    public boolean has(String key) { throw new UnsupportedOperationException("TODO"); }
    /** The raw value: String, Boolean, Byte/Short/Integer/Long (unsigned types widened), Float/Double, or List of these. */
    public Optional<Object> value(String key) { throw new UnsupportedOperationException("TODO"); }
    public String getString(String key) { throw new UnsupportedOperationException("TODO"); }
    public long getLong(String key) { throw new UnsupportedOperationException("TODO"); }
    public int getInt(String key) { throw new UnsupportedOperationException("TODO"); }
    public float getFloat(String key) { throw new UnsupportedOperationException("TODO"); }
    public boolean getBoolean(String key) { throw new UnsupportedOperationException("TODO"); }
    public List<String> getStringArray(String key) { throw new UnsupportedOperationException("TODO"); }
    public int[] getIntArray(String key) { throw new UnsupportedOperationException("TODO"); }
    public float[] getFloatArray(String key) { throw new UnsupportedOperationException("TODO"); }
    public List<GgufTensorInfo> tensors() { throw new UnsupportedOperationException("TODO"); }
    public Optional<GgufTensorInfo> findTensor(String name) { throw new UnsupportedOperationException("TODO"); }
    public GgufTensorInfo tensor(String name) { throw new UnsupportedOperationException("TODO"); }
    public MemorySegment data(GgufTensorInfo tensor) { throw new UnsupportedOperationException("TODO"); }

    @Override
    public void close() { }
}
