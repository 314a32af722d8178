package dev.bitnet.backend.cpu;

/**
 * The two products of attention over a run of blocks of an f16 KV cache (blocks that lie one after another in a slab
 * of {@link CpuKvCache}), for the four query heads of a pass ({@link AttentionKernel}): scores of the run's rows, and
 * softmax-weighted sums of its value rows. The Vector API
 * kernel ({@link AttentionKernel#VECTOR}) reads each half as its value times 2^-112 (see there), so the queries and
 * weights it is given carry 2^112, and its sums come out even dimensions first; libbitnet_cpu's
 * ({@link NativeAttentionBlocks}) converts halves with F16C and takes values as they are. Both add in the same order,
 * so they give the same bits.
 */
interface AttentionBlocks {
    /** The power of two the queries and softmax weights carry: 112, or 0 where halves are read at their value. */
    int exponent();

    /** Whether the sums come out as a head's even dimensions, then its odd ones (else in order). */
    boolean splitSums();

    /** Whether these products take blocks of {@code blockSize} positions and heads of {@code headDim}. */
    boolean supports(int blockSize, int headDim);

    /**
     * {@code scores[j * len + p + r] = scale · Σ_d key[r][d] · qs[4d + j]} for rows [0, rows) of a run of consecutive
     * blocks of {@code blockSize} positions from {@code at} (each block's keys transposed: dimension d of the block's
     * row r at {@code d * blockSize + r}), queries interleaved; {@code tmp} is a scratch of
     * {@link AttentionKernel.Scratch#block}'s size.
     */
    void scores(short[] keys, int at, int blockSize, int rows, float[] qs, int headDim, float scale, float[] scores,
                int p, int len, float[] tmp);

    /**
     * Adds {@code Σ_r weights[4(p + r) + j] · value[r]} over rows [0, rows) of a run of blocks (value rows of headDim
     * halves from {@code at}) to head j's sums at {@code sums[j * headDim ..]}, block by block.
     */
    void sums(short[] values, int at, int blockSize, int rows, float[] sums, int headDim, float[] weights, int p);
}
