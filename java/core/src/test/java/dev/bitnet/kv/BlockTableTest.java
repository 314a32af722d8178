package dev.bitnet.kv;

import dev.bitnet.api.BitNetException;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class BlockTableTest {
    @Test
    void growsByWholeBlocksAndNeverSharesOne() {
        BlockAllocator a = new BlockAllocator(10, 16);
        BlockTable t1 = new BlockTable(a), t2 = new BlockTable(a);
        t1.ensureCapacity(1);
        assertEquals(1, t1.blocks().length);
        t1.ensureCapacity(16);
        assertEquals(1, t1.blocks().length);
        t1.ensureCapacity(17);
        assertEquals(2, t1.blocks().length);
        t2.ensureCapacity(100);
        assertEquals(7, t2.blocks().length);
        Set<Integer> seen = new HashSet<>();
        for (int b : t1.blocks()) assertTrue(seen.add(b));
        for (int b : t2.blocks()) assertTrue(seen.add(b));
        assertEquals(1, a.freeBlocks());
    }

    @Test
    void fullCacheFailsCleanlyAndKeepsTheTable() {
        BlockAllocator a = new BlockAllocator(3, 4);
        BlockTable t = new BlockTable(a);
        t.ensureCapacity(4);
        int[] before = t.blocks();
        assertThrows(BitNetException.class, () -> t.ensureCapacity(100));
        assertArrayEquals(before, t.blocks());
        assertEquals(2, a.freeBlocks(), "blocks taken by the failed call are given back");
        t.release();
        assertEquals(3, a.freeBlocks());
    }

    @Test
    void releasingAFreeBlockIsAnError() {
        BlockAllocator a = new BlockAllocator(2, 4);
        int b = a.allocate();
        a.release(b);
        assertThrows(IllegalStateException.class, () -> a.release(b));
    }
}
