package dev.bitnet.backend;

/** The paged key/value cache of a backend; which blocks belong to which sequence is decided on the host. */
public interface KvCache extends AutoCloseable {
    KvCacheSpec spec();

    @Override
    void close();
}
