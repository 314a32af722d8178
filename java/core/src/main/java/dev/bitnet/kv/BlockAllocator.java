package dev.bitnet.kv;

import java.util.ArrayDeque;
import java.util.BitSet;

/**
 * Hands out the KV cache's fixed-size blocks to sequences and takes them back (the block manager of vLLM's design).
 * Thread-safe: sessions of one model allocate concurrently.
 */
public final class BlockAllocator {
    private final int blockSize;
    private final int numBlocks;
    private final ArrayDeque<Integer> free = new ArrayDeque<>();
    private final BitSet used;

    public BlockAllocator(int numBlocks, int blockSize) {
        this.numBlocks = numBlocks;
        this.blockSize = blockSize;
        this.used = new BitSet(numBlocks);
        for (int b = 0; b < numBlocks; b++) free.add(b);
    }

    public int blockSize() {
        return blockSize;
    }

    public int numBlocks() {
        return numBlocks;
    }

    public synchronized int freeBlocks() {
        return free.size();
    }

    /** A free block, or -1 when none is left. */
    public synchronized int allocate() {
        Integer b = free.poll();
        if (b == null) return -1;
        used.set(b);
        return b;
    }

    public synchronized void release(int block) {
        if (block < 0 || block >= numBlocks || !used.get(block)) {
            throw new IllegalStateException("block " + block + " is not allocated");
        }
        used.clear(block);
        free.push(block);
    }
}
