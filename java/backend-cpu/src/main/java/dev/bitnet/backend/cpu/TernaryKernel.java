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
 * {@code 8L} columns; chunk j is stored as {@code L} shorts, where lane {@code l} holds, in bits {@code 2g..2g+1}, the
 * code {@code c = t + 1} of column {@code 8L*j + g*L + l} (g = 0..7). Columns past {@code cols} are padded with code
 * 0 and meet activation 0. So one vector load brings 8L weights, and group g lines up with the L contiguous
 * activations {@code q[8L*j + g*L ..]}.
 *
 * <p><b>Arithmetic.</b> {@code Σ t·q = Σ c·q − Σ q}. Products {@code c·q} (|c·q| ≤ 2·128) are summed in 16-bit
 * lanes; every {@link #FLUSH_CHUNKS} chunks a lane holds at most 16 · 8 · 256 = 32,768 in magnitude (only reachable
 * as −32,768 with q = −128 everywhere, which still fits) and is widened into int32 lanes, so sums stay exact for any
 * row length.
 */
final class TernaryKernel {
    static final VectorSpecies<Short> S = ShortVector.SPECIES_PREFERRED;
    static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, S.vectorShape());
    static final int LANES = S.length();
    static final int CHUNK = 8 * LANES;
    static final int FLUSH_CHUNKS = 16;

    private TernaryKernel() {
    }

    static int paddedCols(int cols) {
        return (cols + CHUNK - 1) / CHUNK * CHUNK;
    }

    /** Repacks canonical trits into this kernel's layout. */
    static PackedTernary pack(TernaryMatrix m) {
        int padded = paddedCols(m.cols());
        int perRow = padded / 8;
        short[] codes = new short[Math.multiplyExact(m.rows(), perRow)];
        byte[] t = m.trits();
        for (int r = 0; r < m.rows(); r++) {
            int in = r * m.cols(), out = r * perRow;
            for (int chunk = 0; chunk * CHUNK < m.cols(); chunk++, out += LANES) {
                for (int g = 0; g < 8; g++) {
                    int col = chunk * CHUNK + g * LANES, n = Math.min(LANES, m.cols() - col);
                    for (int lane = 0; lane < n; lane++) codes[out + lane] |= (short) ((t[in + col + lane] + 1) << (2 * g));
                }
            }
        }
        return new PackedTernary(m.rows(), m.cols(), padded, codes, m.scale());
    }

    /**
     * Exact {@code Σ_c t[row][c] · q[c]}. The eight groups of a chunk are written out with constant shifts (C2 compiles
     * a loop over a variable shift count several times slower) and alternate between two accumulators; the top group
     * needs no mask because the logical shift leaves only its two bits.
     *
     * @param q    activations, {@code paddedCols} values (zero past cols), as shorts
     * @param qSum {@code Σ q}
     */
    static int dot(PackedTernary w, int row, short[] q, int qSum) {
        short[] codes = w.codes();
        int base = row * w.shortsPerRow();
        int chunks = w.paddedCols() / CHUNK;
        IntVector total = IntVector.zero(I);
        for (int start = 0; start < chunks; start += FLUSH_CHUNKS) {
            int end = Math.min(chunks, start + FLUSH_CHUNKS);
            ShortVector a = ShortVector.zero(S), b = a;
            for (int j = start; j < end; j++) {
                ShortVector p = ShortVector.fromArray(S, codes, base + j * LANES);
                int at = j * CHUNK;
                a = a.add(p.and((short) 3).mul(ShortVector.fromArray(S, q, at)));
                b = b.add(group(p, 2).mul(ShortVector.fromArray(S, q, at + LANES)));
                a = a.add(group(p, 4).mul(ShortVector.fromArray(S, q, at + 2 * LANES)));
                b = b.add(group(p, 6).mul(ShortVector.fromArray(S, q, at + 3 * LANES)));
                a = a.add(group(p, 8).mul(ShortVector.fromArray(S, q, at + 4 * LANES)));
                b = b.add(group(p, 10).mul(ShortVector.fromArray(S, q, at + 5 * LANES)));
                a = a.add(group(p, 12).mul(ShortVector.fromArray(S, q, at + 6 * LANES)));
                b = b.add(p.lanewise(VectorOperators.LSHR, 14).mul(ShortVector.fromArray(S, q, at + 7 * LANES)));
            }
            // each of a, b holds at most 16 * 4 products of magnitude <= 256 per lane, so a + b fits in 16 bits
            ShortVector acc = a.add(b);
            total = total.add(acc.convertShape(VectorOperators.S2I, I, 0).reinterpretAsInts())
                    .add(acc.convertShape(VectorOperators.S2I, I, 1).reinterpretAsInts());
        }
        return total.reduceLanes(VectorOperators.ADD) - qSum;
    }

    /** The codes at bits {@code shift..shift+1} of every lane. */
    private static ShortVector group(ShortVector packed, int shift) {
        return packed.lanewise(VectorOperators.LSHR, shift).and((short) 3);
    }
}
