package dev.bitnet.api;

import dev.bitnet.model.ModelConfig;
import dev.bitnet.tokenizer.Llama3Tokenizer;

import java.nio.file.Path;

/** A model loaded onto a backend; open {@link Session}s on it to generate. STUB: being written. */
public final class BitNetModel implements AutoCloseable {
    static BitNetModel load(Path file, LoadOptions options) { throw new UnsupportedOperationException("TODO"); }

    public Path path() { throw new UnsupportedOperationException("TODO"); }
    public ModelConfig config() { throw new UnsupportedOperationException("TODO"); }
    public Llama3Tokenizer tokenizer() { throw new UnsupportedOperationException("TODO"); }
    /** The backend's name ("cpu", "reference", ...). */
    public String backendName() { throw new UnsupportedOperationException("TODO"); }
    /** One line: backend, device, threads. */
    public String backendDescription() { throw new UnsupportedOperationException("TODO"); }
    public double loadSeconds() { throw new UnsupportedOperationException("TODO"); }
    /** Bytes of weights on the backend plus the KV cache. */
    public long backendBytes() { throw new UnsupportedOperationException("TODO"); }
    /** A new conversation with its own KV cache. */
    public Session newSession() { throw new UnsupportedOperationException("TODO"); }

    @Override
    public void close() { }
}
