package dev.bitnet.backend.cpu;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every one of the 65,536 half-float bit patterns widens exactly as Float.float16ToFloat does. */
class HalfFloatsTest {
    @Test
    void everyHalfValueWidensExactly() {
        short[] all = new short[65536];
        for (int i = 0; i < all.length; i++) all[i] = (short) i;
        float[] out = new float[HalfFloats.F.length()];
        for (int i = 0; i < all.length; i += out.length) {
            FloatVector v = HalfFloats.load(all, i);
            v.intoArray(out, 0);
            for (int j = 0; j < out.length; j++) {
                float expected = Float.float16ToFloat(all[i + j]);
                if (Float.isNaN(expected)) assertTrue(Float.isNaN(out[j]), "bits " + (i + j));
                else assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(out[j]), "bits " + Integer.toHexString(i + j));
            }
        }
    }
}
