package dev.bitnet.io;

import dev.bitnet.gguf.ModelFormatException;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A model file memory-mapped read-only through the FFM API (files over 2 GB work; tensor data is never copied unless
 * a decoder has to), shared by the GGUF and safetensors readers.
 */
public final class MappedFile implements AutoCloseable {
    private final Path path;
    private final Arena arena;
    private final MemorySegment bytes;

    private MappedFile(Path path, Arena arena, MemorySegment bytes) {
        this.path = path;
        this.arena = arena;
        this.bytes = bytes;
    }

    /** Maps the whole file; an unreadable one is a {@link ModelFormatException} naming it. */
    public static MappedFile open(Path path) {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return new MappedFile(path, arena, ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena));
        } catch (IOException e) {
            arena.close();
            throw new ModelFormatException(path + ": cannot read the file (" + e.getMessage() + ")", e);
        }
    }

    public Path path() {
        return path;
    }

    /** The whole file. */
    public MemorySegment bytes() {
        return bytes;
    }

    /** {@code length} bytes from {@code offset}, read-only, valid until {@link #close()}. */
    public MemorySegment slice(long offset, long length) {
        return bytes.asSlice(offset, length).asReadOnly();
    }

    /**
     * Drops a range's pages from this process's resident memory (they stay in the page cache and are read back if
     * touched again): for tensors whose bytes were copied elsewhere, such as ternary weights a backend repacked.
     */
    public void release(long offset, long length) {
        bytes.asSlice(offset, length).unload();
    }

    @Override
    public void close() {
        if (arena.scope().isAlive()) arena.close();
    }
}
