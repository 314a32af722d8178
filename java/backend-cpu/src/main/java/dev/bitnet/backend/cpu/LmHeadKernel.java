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
 * <p>Each 32-bit lane of a row holds two halves. Their f32 bit patterns are rebuilt with an arithmetic shift right by
 * 3 and one mask (the sign stays in bit 31, exponent and mantissa land in bits 27..13); read as f32 such a pattern is
 * the half's value times 2^-112, exactly, subnormals included. Instead of multiplying every weight by 2^112, the
 * hidden state is multiplied by it once per step ({@link #split}), so each product — and so every fma — is exactly
 * the one of the unscaled values. For hidden states large enough that the pre-scaling could overflow, part of the
 * power of two is applied to the sum instead ({@link Split#post}). The even halves meet the even elements of the
 * hidden state and the odd halves the odd ones. Non-finite embedding values (a corrupt file) are not special-cased.
 */
final class LmHeadKernel {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    /** Bytes with one lane per f32 lane, or null where no such shape exists (f32 vectors under 256 bits, NEON's). */
    private static final VectorSpecies<Byte> B = F.length() >= 8 ? VectorSpecies.of(byte.class, VectorShape.forBitSize(F.length() * 8)) : null;
    private static final int MASK = 0x8FFFE000; // sign and the 15 bits of exponent+mantissa, nothing else

    private LmHeadKernel() {
    }

    /**
     * A hidden state prepared for {@link #dot(F16Matrix, int, Split)}: {@code values[0..d/2)} the even elements and
     * {@code values[d/2..d)} the odd ones, times {@code 2^112 / post}.
     */
    record Split(float[] values, float post) {
    }

    static Split split(float[] x, int offset, int d) {
        float amax = 0f;
        for (int i = 0; i < d; i++) amax = Math.max(amax, Math.abs(x[offset + i]));
        int excess = excess(amax), half = d / 2;
        float pre = Math.scalb(1f, 112 - excess);
        float[] v = new float[d];
        for (int i = 0; i < half; i++) {
            v[i] = x[offset + 2 * i] * pre;
            v[half + i] = x[offset + 2 * i + 1] * pre;
        }
        return new Split(v, Math.scalb(1f, excess));
    }

    /** The part of the 2^112 pre-scaling left to the sum for values up to {@code amax}: keeps them below 2^125. */
    static int excess(float amax) {
        return Math.max(0, Math.getExponent(amax) - 12);
    }

    /** Dot product of embedding row {@code row} (even width) with a hidden state prepared by {@link #split}. */
    static float dot(F16Matrix e, int row, Split x) {
        int d = e.cols(), pairs = d / 2;
        float[] v = x.values();
        long base = (long) row * d * 2;
        FloatVector even = FloatVector.zero(F), odd = even;
        int p = 0, bound = I.loopBound(pairs);
        for (; p < bound; p += I.length()) {
            IntVector w = IntVector.fromMemorySegment(I, e.data(), base + 4L * p, ByteOrder.LITTLE_ENDIAN);
            even = evenHalves(w).fma(FloatVector.fromArray(F, v, p), even);
            odd = oddHalves(w).fma(FloatVector.fromArray(F, v, pairs + p), odd);
        }
        float sum = VectorMath.sum(even.add(odd));
        for (; p < pairs; p++) { // v * 2^-112 undoes the pre-scaling exactly
            sum += e.get(row, 2 * p) * Math.scalb(v[p], -112) + e.get(row, 2 * p + 1) * Math.scalb(v[pairs + p], -112);
        }
        return sum * x.post();
    }

    /**
     * {@link #dot(F16Matrix, int, Split)} of one row with two hidden states, {@code out[at]} for {@code x} and
     * {@code out[at + stride]} for {@code y}: the row's halves are taken apart once for both (a batched decode), and
     * each sum is added up in {@code dot}'s order, so it is the same bits as {@code dot}'s.
     */
    static void dot2(F16Matrix e, int row, Split x, Split y, float[] out, int at, int stride) {
        int d = e.cols(), pairs = d / 2;
        float[] v = x.values(), u = y.values();
        long base = (long) row * d * 2;
        FloatVector evenX = FloatVector.zero(F), oddX = evenX, evenY = evenX, oddY = evenX;
        int p = 0, bound = I.loopBound(pairs);
        for (; p < bound; p += I.length()) {
            IntVector w = IntVector.fromMemorySegment(I, e.data(), base + 4L * p, ByteOrder.LITTLE_ENDIAN);
            FloatVector even = evenHalves(w), odd = oddHalves(w);
            evenX = even.fma(FloatVector.fromArray(F, v, p), evenX);
            oddX = odd.fma(FloatVector.fromArray(F, v, pairs + p), oddX);
            evenY = even.fma(FloatVector.fromArray(F, u, p), evenY);
            oddY = odd.fma(FloatVector.fromArray(F, u, pairs + p), oddY);
        }
        float sumX = VectorMath.sum(evenX.add(oddX)), sumY = VectorMath.sum(evenY.add(oddY));
        for (; p < pairs; p++) {
            float e0 = e.get(row, 2 * p), e1 = e.get(row, 2 * p + 1);
            sumX += e0 * Math.scalb(v[p], -112) + e1 * Math.scalb(v[pairs + p], -112);
            sumY += e0 * Math.scalb(u[p], -112) + e1 * Math.scalb(u[pairs + p], -112);
        }
        out[at] = sumX * x.post();
        out[at + stride] = sumY * y.post();
    }

    /** The halves in the low 16 bits of int lanes (the even elements of a little-endian row) as f32 times 2^-112. */
    static FloatVector evenHalves(IntVector w) {
        return w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 3).and(MASK).reinterpretAsFloats();
    }

    /** The halves in the high 16 bits (the odd elements), likewise. */
    static FloatVector oddHalves(IntVector w) {
        return w.lanewise(VectorOperators.ASHR, 3).and(MASK).reinterpretAsFloats();
    }

    /**
     * {@code scale[row] * dot(x, q[row])} for an int8-per-row LM head (bytes widened to f32 lanes), in four
     * accumulators so that the fma latency does not bound the row; a plain loop where bytes have no vector shape of
     * the f32 lane count.
     */
    static float dot(Int8RowMatrix m, int row, float[] x, int xOffset) {
        int d = m.cols(), base = row * d, step = F.length();
        byte[] q = m.q();
        if (B == null) {
            float sum = 0f;
            for (int i = 0; i < d; i++) sum += q[base + i] * x[xOffset + i];
            return sum * m.scales()[row];
        }
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (; i + 4 * step <= d; i += 4 * step) {
            a0 = widen(q, base + i).fma(FloatVector.fromArray(F, x, xOffset + i), a0);
            a1 = widen(q, base + i + step).fma(FloatVector.fromArray(F, x, xOffset + i + step), a1);
            a2 = widen(q, base + i + 2 * step).fma(FloatVector.fromArray(F, x, xOffset + i + 2 * step), a2);
            a3 = widen(q, base + i + 3 * step).fma(FloatVector.fromArray(F, x, xOffset + i + 3 * step), a3);
        }
        for (; i + step <= d; i += step) a0 = widen(q, base + i).fma(FloatVector.fromArray(F, x, xOffset + i), a0);
        float sum = VectorMath.sum(a0.add(a1).add(a2.add(a3)));
        for (; i < d; i++) sum += q[base + i] * x[xOffset + i];
        return sum * m.scales()[row];
    }

    private static FloatVector widen(byte[] q, int at) {
        return (FloatVector) ByteVector.fromArray(B, q, at).convertShape(VectorOperators.B2F, F, 0);
    }
}
