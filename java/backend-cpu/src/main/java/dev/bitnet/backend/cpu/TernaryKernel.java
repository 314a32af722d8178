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
 * <p><b>Arithmetic.</b> {@code Σ t·q = Σ c·q − Σ q}, with {@code -256 <= c·q <= 254} (q in [-128, 127]). Each of the
 * two 16-bit accumulators takes four products per chunk, so after {@link #FLUSH_CHUNKS} = 32 chunks it holds at least
 * 128 · -256 = -32,768 and at most 128 · 254 = 32,512: it fits, and is widened into int32 lanes then, so sums stay
 * exact for any row length.
 */
final class TernaryKernel {
    static final VectorSpecies<Short> S = ShortVector.SPECIES_PREFERRED;
    static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, S.vectorShape());
    static final int LANES = S.length();
    static final int CHUNK = 8 * LANES;
    static final int FLUSH_CHUNKS = 32;
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
     * Exact {@code Σ_c t[row][c] · q[c]}. The eight groups of a chunk are written out with constant shifts (C2 compiles
     * a loop over a variable shift count several times slower) and alternate between two accumulators. Everything is
     * written out in this one method on purpose: a vector passed to or returned from a method C2 leaves out of line is
     * boxed on the heap, and C2 did leave a small group-extracting helper out of line once the method had grown
     * (measured: 3-5x slower).
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
                ShortVector g0 = (ShortVector) p.and(GROUP_MASK).reinterpretShape(S, 0);
                ShortVector g1 = (ShortVector) p.lanewise(VectorOperators.LSHR, 2).and(GROUP_MASK).reinterpretShape(S, 0);
                ShortVector g2 = (ShortVector) p.lanewise(VectorOperators.LSHR, 4).and(GROUP_MASK).reinterpretShape(S, 0);
                ShortVector g3 = (ShortVector) p.lanewise(VectorOperators.LSHR, 6).and(GROUP_MASK).reinterpretShape(S, 0);
                ShortVector g4 = (ShortVector) p.lanewise(VectorOperators.LSHR, 8).and(GROUP_MASK).reinterpretShape(S, 0);
                ShortVector g5 = (ShortVector) p.lanewise(VectorOperators.LSHR, 10).and(GROUP_MASK).reinterpretShape(S, 0);
                ShortVector g6 = (ShortVector) p.lanewise(VectorOperators.LSHR, 12).and(GROUP_MASK).reinterpretShape(S, 0);
                ShortVector g7 = (ShortVector) p.lanewise(VectorOperators.LSHR, 14).and(GROUP_MASK).reinterpretShape(S, 0);
                a = a.add(g0.mul(ShortVector.fromArray(S, q, at)));
                b = b.add(g1.mul(ShortVector.fromArray(S, q, at + LANES)));
                a = a.add(g2.mul(ShortVector.fromArray(S, q, at + 2 * LANES)));
                b = b.add(g3.mul(ShortVector.fromArray(S, q, at + 3 * LANES)));
                a = a.add(g4.mul(ShortVector.fromArray(S, q, at + 4 * LANES)));
                b = b.add(g5.mul(ShortVector.fromArray(S, q, at + 5 * LANES)));
                a = a.add(g6.mul(ShortVector.fromArray(S, q, at + 6 * LANES)));
                b = b.add(g7.mul(ShortVector.fromArray(S, q, at + 7 * LANES)));
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
}
