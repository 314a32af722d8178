package dev.bitnet.backend.cpu;

import dev.bitnet.quant.F16Matrix;
import dev.bitnet.quant.Int8RowMatrix;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.nio.ByteOrder;

/**
 * Logits: dot products of an f32 hidden state with f16 rows of the memory-mapped embedding, the largest read of a
 * decode step (0.66 GB for 2B4T).
 *
 * <p>Each 32-bit lane of a row holds two halves. Their f32 bits are rebuilt with shifts and masks (magnitude moved to
 * bit 13, sign to bit 31) and rebased from exponent bias 15 to 127 by one multiplication with 2^112, which is exact for
 * normal and subnormal halves alike; the even halves meet the even elements of the hidden state and the odd halves
 * the odd ones, so the hidden state is split once per step into {@link #split even and odd} halves. Non-finite
 * embedding values (which only a corrupt file holds) are not special-cased.
 */
final class LmHeadKernel {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    private static final float REBIAS = 0x1p112f;
    private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(F.length() * 8));

    private LmHeadKernel() {
    }

    /** {@code out[0..d/2)} = even elements of x's row, {@code out[d/2..d)} = odd ones. */
    static void split(float[] x, int offset, int d, float[] out) {
        int half = d / 2;
        for (int i = 0; i < half; i++) {
            out[i] = x[offset + 2 * i];
            out[half + i] = x[offset + 2 * i + 1];
        }
    }

    /** Dot product of embedding row {@code row} (even width) with a hidden state already {@link #split}. */
    static float dot(F16Matrix e, int row, float[] split) {
        int d = e.cols(), pairs = d / 2;
        long base = (long) row * d * 2;
        FloatVector even = FloatVector.zero(F), odd = even;
        int p = 0, bound = I.loopBound(pairs);
        for (; p < bound; p += I.length()) {
            IntVector v = IntVector.fromMemorySegment(I, e.data(), base + 4L * p, ByteOrder.LITTLE_ENDIAN);
            IntVector lo = v.and(0x7FFF).lanewise(VectorOperators.LSHL, 13)
                    .or(v.and(0x8000).lanewise(VectorOperators.LSHL, 16));
            IntVector hi = v.lanewise(VectorOperators.LSHR, 3).and(0x7FFF << 13).or(v.and(0x80000000));
            even = lo.reinterpretAsFloats().mul(REBIAS).fma(FloatVector.fromArray(F, split, p), even);
            odd = hi.reinterpretAsFloats().mul(REBIAS).fma(FloatVector.fromArray(F, split, pairs + p), odd);
        }
        float sum = even.add(odd).reduceLanes(VectorOperators.ADD);
        for (; p < pairs; p++) sum += e.get(row, 2 * p) * split[p] + e.get(row, 2 * p + 1) * split[pairs + p];
        return sum;
    }

    /** {@code scale[row] * dot(x, q[row])} for an int8-per-row LM head (bytes widened to f32 lanes). */
    static float dot(Int8RowMatrix m, int row, float[] x, int xOffset) {
        int d = m.cols(), base = row * d;
        FloatVector acc = FloatVector.zero(F);
        int i = 0, bound = F.loopBound(d);
        for (; i < bound; i += F.length()) {
            FloatVector w = (FloatVector) ByteVector.fromArray(B, m.q(), base + i).convertShape(VectorOperators.B2F, F, 0);
            acc = w.fma(FloatVector.fromArray(F, x, xOffset + i), acc);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < d; i++) sum += m.q()[base + i] * x[xOffset + i];
        return sum * m.scales()[row];
    }
}
