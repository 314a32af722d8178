package dev.bitnet.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * IEEE half floats widened to f32 vectors (the Vector API has no f16 conversion): the bits are rebuilt with integer
 * lanes — sign moved up, exponent rebased from 15 to 127 — with subnormals computed as {@code mantissa * 2^-24} and
 * infinities/NaNs given the f32 maximal exponent. Exact for every half value. Where f32 vectors are 64 bits wide
 * (two lanes) no short vector of their lane count exists (32 bits), so the halves are widened one by one there.
 */
final class HalfFloats {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    /** Shorts with one lane per f32 lane, or null where that would be under 64 bits. */
    private static final VectorSpecies<Short> H = F.length() >= 4 ? VectorSpecies.of(short.class, VectorShape.forBitSize(F.length() * 16)) : null;

    private HalfFloats() {
    }

    /** F.length() halves from a little-endian segment at {@code byteOffset}. */
    static FloatVector load(MemorySegment m, long byteOffset) {
        if (H == null) {
            FloatVector v = FloatVector.zero(F);
            for (int i = 0; i < F.length(); i++) {
                v = v.withLane(i, Float.float16ToFloat(m.get(dev.bitnet.quant.F16Matrix.F16, byteOffset + 2L * i)));
            }
            return v;
        }
        return widen(ShortVector.fromMemorySegment(H, m, byteOffset, ByteOrder.LITTLE_ENDIAN));
    }

    /** F.length() halves from an array. */
    static FloatVector load(short[] a, int offset) {
        if (H == null) {
            FloatVector v = FloatVector.zero(F);
            for (int i = 0; i < F.length(); i++) v = v.withLane(i, Float.float16ToFloat(a[offset + i]));
            return v;
        }
        return widen(ShortVector.fromArray(H, a, offset));
    }

    private static FloatVector widen(ShortVector h) {
        IntVector bits = ((IntVector) h.convertShape(VectorOperators.S2I, I, 0)).and(0xFFFF);
        IntVector sign = bits.and(0x8000).lanewise(VectorOperators.LSHL, 16);
        IntVector em = bits.and(0x7FFF);
        IntVector normal = em.lanewise(VectorOperators.LSHL, 13).add(112 << 23);
        VectorMask<Integer> special = em.compare(VectorOperators.GE, 0x7C00);
        normal = normal.add(IntVector.broadcast(I, 112 << 23), special);
        FloatVector value = normal.or(sign).reinterpretAsFloats();
        VectorMask<Integer> sub = em.compare(VectorOperators.LT, 0x400);
        if (sub.anyTrue()) {
            FloatVector subnormal = ((FloatVector) em.convert(VectorOperators.I2F, 0)).mul(0x1p-24f);
            subnormal = subnormal.lanewise(VectorOperators.NEG, sign.compare(VectorOperators.NE, 0).cast(F));
            value = value.blend(subnormal, sub.cast(F));
        }
        return value;
    }
}
