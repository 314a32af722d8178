package dev.bitnet.kv;

import dev.bitnet.api.BitNetException;

import java.util.Arrays;

/** One sequence's KV blocks in position order: position p lives in block {@code blocks[p / blockSize]}. */
public final class BlockTable {
    private final BlockAllocator allocator;
    private int[] blocks = new int[0];

    public BlockTable(BlockAllocator allocator) {
        this.allocator = allocator;
    }

    /** Makes room for positions 0..tokens-1, taking blocks from the allocator as needed. */
    public void ensureCapacity(int tokens) {
        int needed = (tokens + allocator.blockSize() - 1) / allocator.blockSize();
        if (needed <= blocks.length) return;
        int[] grown = Arrays.copyOf(blocks, needed);
        for (int i = blocks.length; i < needed; i++) {
            int b = allocator.allocate();
            if (b < 0) {
                for (int j = blocks.length; j < i; j++) allocator.release(grown[j]);
                throw new BitNetException("KV cache is full: no free block for " + tokens + " tokens");
            }
            grown[i] = b;
        }
        blocks = grown;
    }

    /**
     * Appends the cached block holding {@code key} (a full block of the prefix: the table must end at a block
     * boundary); false, and nothing changes, when no block holds it.
     */
    public boolean adoptCached(BlockKey key) {
        int b = allocator.lookup(key);
        if (b < 0) return false;
        blocks = Arrays.copyOf(blocks, blocks.length + 1);
        blocks[blocks.length - 1] = b;
        return true;
    }

    /** Offers block {@code index} (full, never written again) to the prefix cache under {@code key}. */
    public void cache(int index, BlockKey key) {
        allocator.register(blocks[index], key);
    }

    /** The block ids, in position order (a copy). */
    public int[] blocks() {
        return blocks.clone();
    }

    /** Gives every block back. */
    public void release() {
        for (int b : blocks) allocator.release(b);
        blocks = new int[0];
    }
}
