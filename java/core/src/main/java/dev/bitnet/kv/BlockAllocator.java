package dev.bitnet.kv;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;

/**
 * Hands out the KV cache's fixed-size blocks to sequences and takes them back (the block manager of vLLM's design).
 * Thread-safe: sessions of one model allocate concurrently.
 *
 * <p><b>Prefix caching.</b> A full block can be {@link #register}ed under the {@link BlockKey} of its contents; a
 * sequence whose prompt starts with the same tokens then {@link #lookup}s it instead of computing it again (the KV of a
 * position depends only on the tokens up to it). Blocks count references: a cached block shared by several sequences
 * is freed when the last one releases it, and even then it keeps its contents, in least-recently-used order, until an
 * allocation finds no never-cached block free and takes it back.
 */
public final class BlockAllocator {
    private final int blockSize;
    private final int numBlocks;
    private final ArrayDeque<Integer> free = new ArrayDeque<>();
    private final LinkedHashSet<Integer> evictable = new LinkedHashSet<>(); // cached, unreferenced, oldest first
    private final Map<BlockKey, Integer> cached = new HashMap<>();
    private final BlockKey[] keyOf;
    private final int[] references;

    public BlockAllocator(int numBlocks, int blockSize) {
        this.numBlocks = numBlocks;
        this.blockSize = blockSize;
        this.keyOf = new BlockKey[numBlocks];
        this.references = new int[numBlocks];
        for (int b = 0; b < numBlocks; b++) free.add(b);
    }

    public int blockSize() {
        return blockSize;
    }

    public int numBlocks() {
        return numBlocks;
    }

    /** Blocks an allocation can take: free ones and cached ones no sequence holds. */
    public synchronized int freeBlocks() {
        return free.size() + evictable.size();
    }

    /** Blocks kept for their contents (held by sequences or not). */
    public synchronized int cachedBlocks() {
        return cached.size();
    }

    /** A block for one sequence, or -1 when none is left; the least recently used cached block when none is free. */
    public synchronized int allocate() {
        Integer b = free.poll();
        if (b == null) {
            Iterator<Integer> oldest = evictable.iterator();
            if (!oldest.hasNext()) return -1;
            b = oldest.next();
            oldest.remove();
            cached.remove(keyOf[b]);
            keyOf[b] = null;
        }
        references[b] = 1;
        return b;
    }

    /** Drops one reference; the block is free (or, if cached, evictable) when none is left. */
    public synchronized void release(int block) {
        if (block < 0 || block >= numBlocks || references[block] == 0) {
            throw new IllegalStateException("block " + block + " is not allocated");
        }
        if (--references[block] > 0) return;
        if (keyOf[block] != null) evictable.add(block);
        else free.push(block);
    }

    /** The cached block holding {@code key}, with a reference for the caller, or -1. */
    public synchronized int lookup(BlockKey key) {
        Integer b = cached.get(key);
        if (b == null) return -1;
        if (references[b]++ == 0) evictable.remove(b);
        return b;
    }

    /**
     * Keeps {@code block} (full, held by the caller, never written again) under {@code key}, unless another block
     * already holds that key or this one is cached already.
     */
    public synchronized void register(int block, BlockKey key) {
        if (references[block] == 0) throw new IllegalStateException("block " + block + " is not allocated");
        if (keyOf[block] != null || cached.containsKey(key)) return;
        cached.put(key, block);
        keyOf[block] = key;
    }
}
