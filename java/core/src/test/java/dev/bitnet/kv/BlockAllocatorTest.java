package dev.bitnet.kv;

import org.junit.jupiter.api.Test;

import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.*;

/** Reference counts and the prefix cache of the block manager. */
class BlockAllocatorTest {
    private static BlockKey key(int salt) {
        return BlockKey.of(null, IntStream.range(0, 4).map(i -> salt * 10 + i).toArray(), 0, 4);
    }

    @Test
    void keysNameTheWholePrefix() {
        int[] a = {1, 2, 3, 4, 5, 6, 7, 8}, b = {9, 2, 3, 4, 5, 6, 7, 8};
        BlockKey a1 = BlockKey.of(BlockKey.of(null, a, 0, 4), a, 4, 4), b1 = BlockKey.of(BlockKey.of(null, b, 0, 4), b, 4, 4);
        assertEquals(BlockKey.of(null, a, 0, 4), BlockKey.of(null, a.clone(), 0, 4));
        assertNotEquals(a1, b1, "same second block after different first blocks");
        assertNotEquals(BlockKey.of(null, a, 4, 4), a1, "the same tokens at the start and after a block");
    }

    @Test
    void aCachedBlockIsSharedThenKeptThenReusedLast() {
        BlockAllocator a = new BlockAllocator(3, 4);
        int b = a.allocate();
        a.register(b, key(1));
        assertEquals(b, a.lookup(key(1)), "a second holder");
        assertEquals(-1, a.lookup(key(2)));
        a.release(b);
        a.release(b);
        assertEquals(3, a.freeBlocks(), "unreferenced: available, but its contents are kept");
        assertEquals(1, a.cachedBlocks());
        int x = a.allocate(), y = a.allocate();
        assertNotEquals(b, x);
        assertNotEquals(b, y);
        assertEquals(b, a.lookup(key(1)), "never-cached blocks go first");
        a.release(b);
        a.release(x);
        assertEquals(b, a.allocate() == x ? a.allocate() : -2, "then the cached one, which forgets its key");
        assertEquals(-1, a.lookup(key(1)));
        assertEquals(0, a.cachedBlocks());
    }

    @Test
    void evictionTakesTheLeastRecentlyUsed() {
        BlockAllocator a = new BlockAllocator(2, 4);
        int b1 = a.allocate(), b2 = a.allocate();
        a.register(b1, key(1));
        a.register(b2, key(2));
        a.release(b1);
        a.release(b2);
        a.release(a.lookup(key(1))); // b1 used again: b2 is now the older
        assertEquals(b2, a.allocate());
        assertEquals(b1, a.lookup(key(1)));
        assertEquals(-1, a.lookup(key(2)));
    }

    @Test
    void aKeyIsHeldOnceAndReleasesAreChecked() {
        BlockAllocator a = new BlockAllocator(2, 4);
        int b1 = a.allocate(), b2 = a.allocate();
        a.register(b1, key(1));
        a.register(b2, key(1)); // same contents computed twice: the first stays the cached one
        assertEquals(b1, a.lookup(key(1)));
        a.release(b2);
        assertThrows(IllegalStateException.class, () -> a.release(b2));
        assertThrows(IllegalStateException.class, () -> a.register(b2, key(3)));
        assertEquals(1, a.cachedBlocks());
    }
}
