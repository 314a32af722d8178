package dev.bitnet.backend.cpu;

import java.lang.foreign.MemorySegment;

/**
 * {@link AttentionBlocks} in libbitnet_cpu: F16C conversion and fmas over 16 rows (scores) or 16 dimensions (sums) of
 * four heads at a time, where the Vector API kernel spends three integer operations per two halves on the widening
 * and C2 adds loop and spill overhead around them. One call per run of blocks; the Java arrays are read in place.
 */
record NativeAttentionBlocks(LibBitnetCpu.Isa isa) implements AttentionBlocks {
    @Override
    public int exponent() {
        return 0;
    }

    @Override
    public boolean splitSums() {
        return false;
    }

    @Override
    public boolean supports(int blockSize, int headDim) {
        return LibBitnetCpu.attnSupports(isa, blockSize, headDim);
    }

    @Override
    public void scores(short[] keys, int at, int blockSize, int rows, float[] qs, int headDim, float scale,
                       float[] scores, int p, int len, float[] tmp) {
        LibBitnetCpu.attnScores(isa, MemorySegment.ofArray(keys).asSlice(2L * at), blockSize, rows,
                MemorySegment.ofArray(qs), headDim, scale, MemorySegment.ofArray(scores).asSlice(4L * p), len);
    }

    @Override
    public void sums(short[] values, int at, int blockSize, int rows, float[] sums, int headDim, float[] weights, int p) {
        LibBitnetCpu.attnSums(isa, MemorySegment.ofArray(values).asSlice(2L * at), blockSize, rows,
                MemorySegment.ofArray(weights).asSlice(16L * p), headDim, MemorySegment.ofArray(sums));
    }
}
