package dev.bitnet.backend.cpu;

import dev.bitnet.quant.TernaryMatrix;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Ternary weights × int8 activations with exact int32 sums, on the Vector API's preferred short species.
 *
 * <p><b>Layout.</b> With {@code L} short lanes (32 on AVX-512, 16 on AVX2, 8 on NEON), a row is cut into chunks of
 * {@code 8L} columns; chunk j is stored as {@code L} 16-bit lanes, where lane {@code l} holds, in bits
 * {@code 2g..2g+1}, the code {@code c = t + 1} of column {@code 8L*j + g*L + l} (g = 0..7). Columns past {@code cols}
 * are padded with code 0 and meet activation 0. So one vector load brings 8L weights, and group g lines up with the L
 * contiguous activations {@code q[8L*j + g*L ..]}. The lanes are stored in pairs, as ints (lane {@code 2k} in the
 * low half of int {@code k}, the order of a little-endian reinterpretation): the groups are taken out with 32-bit
 * shifts by a constant, which C2 emits as one immediate-count instruction, where a 16-bit shift by a constant takes
 * a count register (about 15% of this kernel's time on AVX2).
 *
 * <p><b>Arithmetic.</b> {@code Σ t·q = Σ c·q − Σ q}, with {@code -256 <= c·q <= 254} (q in [-128, 127]). Each of
 * {@link #dot}'s two 16-bit accumulators takes four products per chunk, so after {@link #FLUSH_CHUNKS} = 32 chunks it
 * holds at least 128 · -256 = -32,768 and at most 128 · 254 = 32,512: it fits, and is widened into int32 lanes then, so
 * sums stay exact for any row length ({@link #dot4}'s accumulators take eight a chunk and are widened every 16).
 */
final class TernaryKernel {
    static final VectorSpecies<Short> S = ShortVector.SPECIES_PREFERRED;
    static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, S.vectorShape());
    static final int LANES = S.length();
    static final int CHUNK = 8 * LANES;
    static final int FLUSH_CHUNKS = 32;
    static final int TILE_FLUSH_CHUNKS = 16;
    /** Both 2-bit fields of a group, one in each 16-bit half of an int lane. */
    private static final int GROUP_MASK = 0x0003_0003;

    private TernaryKernel() {
    }

    static int paddedCols(int cols) {
        return (cols + CHUNK - 1) / CHUNK * CHUNK;
    }

    /** Repacks canonical trits into this kernel's layout. */
    static PackedTernary pack(TernaryMatrix m) {
        return pack(m, MatrixKernels.RowRanges.SERIAL);
    }

    /** Repacks canonical trits into this kernel's layout, the rows in the ranges {@code ranges} hands out. */
    static PackedTernary pack(TernaryMatrix m, MatrixKernels.RowRanges ranges) {
        int padded = paddedCols(m.cols());
        int[] codes = new int[Math.multiplyExact(m.rows(), padded / 16)];
        ranges.run(m.rows(), (from, to, worker) -> packRows(m, padded, from, to, codes));
        return new PackedTernary(m.rows(), m.cols(), padded, codes, m.scale());
    }

    /**
     * Rows [from, to) of {@link #pack}; a row's ints are its own, so ranges may run at the same time. Each int is put
     * together in a register and written once (eight read-modify-writes of the array per int took ~3x longer).
     */
    private static void packRows(TernaryMatrix m, int padded, int from, int to, int[] codes) {
        int perRow = padded / 16, cols = m.cols(), half = LANES / 2;
        byte[] t = m.trits();
        for (int r = from; r < to; r++) {
            int in = r * cols, out = r * perRow;
            for (int chunk = 0; chunk * CHUNK < cols; chunk++, out += half) {
                int start = chunk * CHUNK;
                if (start + CHUNK <= cols) { // a whole chunk: int k holds lanes 2k, 2k+1 of groups 0..7
                    for (int k = 0; k < half; k++) {
                        int v = 0;
                        for (int g = 0, at = in + start + 2 * k; g < 8; g++, at += LANES) {
                            v |= ((t[at] + 1) | (t[at + 1] + 1) << 16) << (2 * g);
                        }
                        codes[out + k] = v;
                    }
                    continue;
                }
                for (int g = 0; g < 8; g++) { // the row's last, partial chunk: missing columns stay code 0
                    int col = start + g * LANES, n = Math.min(LANES, cols - col);
                    for (int lane = 0; lane < n; lane += 2) {
                        int low = t[in + col + lane] + 1, high = lane + 1 < n ? t[in + col + lane + 1] + 1 : 0;
                        codes[out + lane / 2] |= (low | high << 16) << (2 * g);
                    }
                }
            }
        }
    }

    /**
     * Exact {@code Σ_c t[row][c] · q[c]}. Groups are taken out two at a time in a loop of constant trip count, which
     * C2 unrolls (so every shift count is a constant: a shift by a variable count is several times slower), each
     * group multiplied and added as soon as it is taken out, into two alternating accumulators. Written out in the
     * order "all eight groups, then all eight products" (until 2026-12-01) it ran 5-10% slower at 256 and 128 bits
     * (best of 400 products of each of 2B4T's three shapes, one thread, AVX2 VM; 6% faster at 64 bits, a width no CPU
     * prefers): C2 schedules much as written, and the eight groups stayed live at once. Everything is in this one
     * method on purpose: a vector passed to or returned from a method C2 leaves out of line is boxed on the heap, and
     * C2 did leave a small group-extracting helper out of line once the method had grown (measured: 3-5x slower).
     *
     * @param q    activations, {@code paddedCols} values (zero past cols), as shorts
     * @param qSum {@code Σ q}
     */
    static int dot(PackedTernary w, int row, short[] q, int qSum) {
        int[] codes = w.codes();
        int half = LANES / 2;
        int base = row * w.intsPerRow();
        int chunks = w.paddedCols() / CHUNK;
        IntVector total = IntVector.zero(I);
        for (int start = 0; start < chunks; start += FLUSH_CHUNKS) {
            int end = Math.min(chunks, start + FLUSH_CHUNKS);
            ShortVector a = ShortVector.zero(S), b = a;
            for (int j = start; j < end; j++) {
                IntVector p = IntVector.fromArray(I, codes, base + j * half);
                int at = j * CHUNK;
                for (int g = 0; g < 8; g += 2) {
                    ShortVector even = (ShortVector) p.lanewise(VectorOperators.LSHR, 2 * g).and(GROUP_MASK).reinterpretShape(S, 0);
                    ShortVector odd = (ShortVector) p.lanewise(VectorOperators.LSHR, 2 * g + 2).and(GROUP_MASK).reinterpretShape(S, 0);
                    a = a.add(even.mul(ShortVector.fromArray(S, q, at + g * LANES)));
                    b = b.add(odd.mul(ShortVector.fromArray(S, q, at + (g + 1) * LANES)));
                }
            }
            // widen: each int lane holds two 16-bit sums; shift each one down with its sign and add both
            IntVector ia = (IntVector) a.reinterpretShape(I, 0), ib = (IntVector) b.reinterpretShape(I, 0);
            total = total.add(ia.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16))
                    .add(ia.lanewise(VectorOperators.ASHR, 16))
                    .add(ib.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16))
                    .add(ib.lanewise(VectorOperators.ASHR, 16));
        }
        return total.reduceLanes(VectorOperators.ADD) - qSum; // int lanes: exact in any order
    }

    /**
     * {@link #dot} for tokens {@code t..t+3} at once (a prompt chunk, a batched decode), written out as the backend
     * does ({@code out[k * outStride + row] = (Σ − qSum[k]) · scale / qScale[k]}, the same float expression, so the
     * same bits as {@code dot}): each group is taken out of the codes once and multiplied with the four tokens'
     * activations, so the extraction (a shift and a mask per group) is shared and the row streams once for four
     * tokens. One accumulator per token takes eight products per chunk, so it is widened every
     * {@link #TILE_FLUSH_CHUNKS} = 16 chunks (16 · 8 · -256 = -32,768 at the least). 2B4T on the AVX2 VM, 2 threads, old
     * (one {@code dot} per token) and new builds alternating: pp128 20.3 -> 27.6 tok/s (means of 4 pairs, each pair
     * faster), a batched decode of 8 sequences 15.4 -> 19.6 tok/s (3 pairs). Written out by hand, group after group,
     * the same method ran 1.6-1.9x slower than this loop, which C2 unrolls.
     */
    static void dot4(PackedTernary w, int row, short[][] q, int[] qSum, float[] qScale, int t, float[] out, int outStride) {
        short[] q0 = q[t], q1 = q[t + 1], q2 = q[t + 2], q3 = q[t + 3];
        int[] codes = w.codes();
        int half = LANES / 2;
        int base = row * w.intsPerRow();
        int chunks = w.paddedCols() / CHUNK;
        IntVector t0 = IntVector.zero(I), t1 = t0, t2 = t0, t3 = t0;
        for (int start = 0; start < chunks; start += TILE_FLUSH_CHUNKS) {
            int end = Math.min(chunks, start + TILE_FLUSH_CHUNKS);
            ShortVector a0 = ShortVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            for (int j = start; j < end; j++) {
                IntVector p = IntVector.fromArray(I, codes, base + j * half);
                int at = j * CHUNK;
                for (int g = 0; g < 8; g++) {
                    ShortVector c = (ShortVector) p.lanewise(VectorOperators.LSHR, 2 * g).and(GROUP_MASK).reinterpretShape(S, 0);
                    int o = at + g * LANES;
                    a0 = a0.add(c.mul(ShortVector.fromArray(S, q0, o)));
                    a1 = a1.add(c.mul(ShortVector.fromArray(S, q1, o)));
                    a2 = a2.add(c.mul(ShortVector.fromArray(S, q2, o)));
                    a3 = a3.add(c.mul(ShortVector.fromArray(S, q3, o)));
                }
            }
            // widen as in dot: the low 16-bit sum of each int lane, sign-extended, plus the high one
            IntVector i0 = (IntVector) a0.reinterpretShape(I, 0), i1 = (IntVector) a1.reinterpretShape(I, 0);
            IntVector i2 = (IntVector) a2.reinterpretShape(I, 0), i3 = (IntVector) a3.reinterpretShape(I, 0);
            t0 = t0.add(i0.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16))
                    .add(i0.lanewise(VectorOperators.ASHR, 16));
            t1 = t1.add(i1.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16))
                    .add(i1.lanewise(VectorOperators.ASHR, 16));
            t2 = t2.add(i2.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16))
                    .add(i2.lanewise(VectorOperators.ASHR, 16));
            t3 = t3.add(i3.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16))
                    .add(i3.lanewise(VectorOperators.ASHR, 16));
        }
        float scale = w.scale();
        out[t * outStride + row] = (t0.reduceLanes(VectorOperators.ADD) - qSum[t]) * scale / qScale[t];
        out[(t + 1) * outStride + row] = (t1.reduceLanes(VectorOperators.ADD) - qSum[t + 1]) * scale / qScale[t + 1];
        out[(t + 2) * outStride + row] = (t2.reduceLanes(VectorOperators.ADD) - qSum[t + 2]) * scale / qScale[t + 2];
        out[(t + 3) * outStride + row] = (t3.reduceLanes(VectorOperators.ADD) - qSum[t + 3]) * scale / qScale[t + 3];
    }
}
