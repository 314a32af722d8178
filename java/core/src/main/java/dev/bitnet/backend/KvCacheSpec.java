package dev.bitnet.backend;

/**
 * Shape of a paged KV cache: {@code numBlocks} blocks of {@code blockSize} token slots, for every layer. Slot
 * {@code s} of the cache is block {@code s / blockSize}, row {@code s % blockSize}; a sequence's block table maps its
 * positions onto blocks (see {@link ForwardBatch}).
 */
public record KvCacheSpec(int layers, int kvHeads, int headDim, int blockSize, int numBlocks, KvType type) {
    public int kvDim() {
        return kvHeads * headDim;
    }

    public long slots() {
        return (long) blockSize * numBlocks;
    }

    /** K and V for every layer and slot. */
    public long bytes() {
        return 2L * layers * slots() * kvDim() * type.bytes();
    }
}
