package org.tapegrad.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.tapegrad.tape.Tape;

/**
 * {@code flushTiny} sets exactly the elements with {@code 0 < |x| < threshold} to the zero of their sign and leaves
 * every other element, and everything outside the range, as it was, for thresholds from the smallest normal number
 * to the largest (the tape's among them) and values at and around each; the vector kernel gives the scalar kernel's
 * bits at every length and offset (vector body and tail); a threshold that is not a positive normal number is
 * rejected. Bits are compared with {@code doubleToLongBits}/{@code floatToIntBits}, which tell +0 from −0 and fold
 * NaN payloads (Java leaves those unspecified).
 */
class TinyFlushTest {

    private static final double[] DOUBLE_SPECIALS = {
        0.0, -0.0, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL, -Double.MIN_NORMAL,
        Math.nextDown(Double.MIN_NORMAL), -Math.nextDown(Double.MIN_NORMAL), Math.nextUp(Double.MIN_NORMAL),
        -Math.nextUp(Double.MIN_NORMAL), Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN,
        Double.MAX_VALUE, -Double.MAX_VALUE, 1.0, -1.0,
    };

    private static final float[] FLOAT_SPECIALS = {
        0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, -Float.MIN_NORMAL,
        Math.nextDown(Float.MIN_NORMAL), -Math.nextDown(Float.MIN_NORMAL), Math.nextUp(Float.MIN_NORMAL),
        -Math.nextUp(Float.MIN_NORMAL), Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN,
        Float.MAX_VALUE, -Float.MAX_VALUE, 1f, -1f,
    };

    /** Thresholds that are not positive normal numbers. */
    private static final double[] BAD_DOUBLE_THRESHOLDS = {
        0.0, -0.0, -1.0, -Double.MIN_NORMAL, -Double.MAX_VALUE, Double.MIN_VALUE, Math.nextDown(Double.MIN_NORMAL),
        Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
    };

    private static final float[] BAD_FLOAT_THRESHOLDS = {
        0f, -0f, -1f, -Float.MIN_NORMAL, -Float.MAX_VALUE, Float.MIN_VALUE, Math.nextDown(Float.MIN_NORMAL),
        Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
    };

    /** The definition, written apart from the kernels' bit test: a non-zero magnitude below the threshold. */
    private static double expected(double x, double threshold) {
        return x != 0 && Math.abs(x) < threshold ? Math.copySign(0.0, x) : x;
    }

    private static float expected(float x, float threshold) {
        return x != 0 && Math.abs(x) < threshold ? Math.copySign(0f, x) : x;
    }

    /**
     * The smallest normal (a CPU's flush-to-zero), its successor, the tape's threshold, one and the largest double,
     * then random positive normal ones, uniform in their bits (so in the exponent).
     */
    private static double[] doubleThresholds(SplittableRandom random) {
        double[] t = new double[14];
        t[0] = Double.MIN_NORMAL;
        t[1] = Math.nextUp(Double.MIN_NORMAL);
        t[2] = Tape.TINY_GRADIENT_F64;
        t[3] = 1.0;
        t[4] = Double.MAX_VALUE;
        for (int i = 5; i < t.length; i++) {
            t[i] = Double.longBitsToDouble(random.nextLong(bits(Double.MIN_NORMAL), bits(Double.MAX_VALUE) + 1));
        }
        return t;
    }

    private static float[] floatThresholds(SplittableRandom random) {
        float[] t = new float[14];
        t[0] = Float.MIN_NORMAL;
        t[1] = Math.nextUp(Float.MIN_NORMAL);
        t[2] = Tape.TINY_GRADIENT_F32;
        t[3] = 1f;
        t[4] = Float.MAX_VALUE;
        for (int i = 5; i < t.length; i++) {
            t[i] = Float.intBitsToFloat(random.nextInt(bits(Float.MIN_NORMAL), bits(Float.MAX_VALUE) + 1));
        }
        return t;
    }

    private static long bits(double x) {
        return Double.doubleToRawLongBits(x);
    }

    private static int bits(float x) {
        return Float.floatToRawIntBits(x);
    }

    /**
     * Either sign of: a special, a random subnormal, the threshold or one of its neighbours, a random magnitude
     * within four binades of it, or a random normal over the whole range.
     */
    private static double randomDouble(SplittableRandom random, double threshold) {
        double sign = random.nextBoolean() ? 1 : -1;
        switch (random.nextInt(5)) {
            case 0:
                return DOUBLE_SPECIALS[random.nextInt(DOUBLE_SPECIALS.length)];
            case 1:
                return sign * Double.longBitsToDouble(random.nextLong(1, bits(Double.MIN_NORMAL)));
            case 2:
                double[] around = {threshold, Math.nextUp(threshold), Math.nextDown(threshold), Math.nextDown(Math.nextDown(threshold))};
                return sign * around[random.nextInt(around.length)];
            case 3:
                long binades = 4L << 52;
                long low = Math.max(1, bits(threshold) - binades);
                long high = bits(threshold) + Math.min(binades, bits(Double.MAX_VALUE) - bits(threshold));   // no overflow past MAX_VALUE
                return sign * Double.longBitsToDouble(random.nextLong(low, high + 1));
            default:
                return sign * Double.longBitsToDouble(random.nextLong(bits(Double.MIN_NORMAL), bits(Double.MAX_VALUE) + 1));
        }
    }

    private static float randomFloat(SplittableRandom random, float threshold) {
        float sign = random.nextBoolean() ? 1 : -1;
        switch (random.nextInt(5)) {
            case 0:
                return FLOAT_SPECIALS[random.nextInt(FLOAT_SPECIALS.length)];
            case 1:
                return sign * Float.intBitsToFloat(random.nextInt(1, bits(Float.MIN_NORMAL)));
            case 2:
                float[] around = {threshold, Math.nextUp(threshold), Math.nextDown(threshold), Math.nextDown(Math.nextDown(threshold))};
                return sign * around[random.nextInt(around.length)];
            case 3:
                int binades = 4 << 23;
                int low = Math.max(1, bits(threshold) - binades);
                int high = bits(threshold) + Math.min(binades, bits(Float.MAX_VALUE) - bits(threshold));
                return sign * Float.intBitsToFloat(random.nextInt(low, high + 1));
            default:
                return sign * Float.intBitsToFloat(random.nextInt(bits(Float.MIN_NORMAL), bits(Float.MAX_VALUE) + 1));
        }
    }

    @Test
    void theScalarKernelFlushesExactlyTheMagnitudesBelowTheThreshold() {
        checkDoubles(new ScalarActivations(), 1);
        checkFloats(new ScalarActivations(), 2);
    }

    @Test
    void theVectorKernelFlushesExactlyTheMagnitudesBelowTheThreshold() {
        assumeTrue(Kernels.vectorAvailable(), "needs --add-modules jdk.incubator.vector");
        checkDoubles(Kernels.activations("vector"), 3);
        checkFloats(Kernels.activations("vector"), 4);
    }

    /** Every length 0..70 at offsets 0..8, each with a threshold of its own, and elements before and after the range. */
    @Test
    void vectorAndScalarGiveTheSameBitsAtEveryLengthAndOffset() {
        assumeTrue(Kernels.vectorAvailable(), "needs --add-modules jdk.incubator.vector");
        ActivationKernel vector = Kernels.activations("vector");
        ActivationKernel scalar = new ScalarActivations();
        SplittableRandom random = new SplittableRandom(5);
        double[] doubleThresholds = doubleThresholds(random);
        float[] floatThresholds = floatThresholds(random);
        for (int length = 0; length <= 70; length++) {
            for (int offset = 0; offset <= 8; offset++) {
                double dt = doubleThresholds[random.nextInt(doubleThresholds.length)];
                float ft = floatThresholds[random.nextInt(floatThresholds.length)];
                double[] d = new double[offset + length + 3];
                float[] f = new float[offset + length + 3];
                for (int i = 0; i < d.length; i++) {
                    d[i] = randomDouble(random, dt);
                    f[i] = randomFloat(random, ft);
                }
                double[] dv = d.clone();
                double[] ds = d.clone();
                vector.flushTiny(dv, offset, offset + length, dt);
                scalar.flushTiny(ds, offset, offset + length, dt);
                float[] fv = f.clone();
                float[] fs = f.clone();
                vector.flushTiny(fv, offset, offset + length, ft);
                scalar.flushTiny(fs, offset, offset + length, ft);
                for (int i = 0; i < d.length; i++) {
                    String where = "length " + length + ", offset " + offset + ", element " + i;
                    assertEquals(Double.doubleToLongBits(ds[i]), Double.doubleToLongBits(dv[i]), "double " + where + " of " + d[i] + " below " + dt);
                    assertEquals(Float.floatToIntBits(fs[i]), Float.floatToIntBits(fv[i]), "float " + where + " of " + f[i] + " below " + ft);
                }
            }
        }
    }

    @Test
    void aRangeOutsideTheArrayIsRejectedBeforeAnythingIsWritten() {
        for (ActivationKernel k : ActivationKernelTest.kernels()) {
            double[] d = {Double.MIN_VALUE, Double.MIN_VALUE};
            assertThrows(IndexOutOfBoundsException.class, () -> k.flushTiny(d, 0, 3, Double.MIN_NORMAL), k.name());
            assertThrows(IndexOutOfBoundsException.class, () -> k.flushTiny(d, 2, 1, Double.MIN_NORMAL), k.name());
            assertEquals(Double.MIN_VALUE, d[0], k.name());
            float[] f = {Float.MIN_VALUE, Float.MIN_VALUE};
            assertThrows(IndexOutOfBoundsException.class, () -> k.flushTiny(f, -1, 2, Float.MIN_NORMAL), k.name());
            assertEquals(Float.MIN_VALUE, f[1], k.name());
        }
    }

    /** Zero, negative, subnormal, infinite and NaN thresholds: the error names the method and the value, and nothing is written. */
    @Test
    void aThresholdThatIsNotAPositiveNormalNumberIsRejected() {
        for (ActivationKernel k : ActivationKernelTest.kernels()) {
            for (double t : BAD_DOUBLE_THRESHOLDS) {
                double[] d = {Double.MIN_VALUE, 1e-300, 1.0};
                double[] before = d.clone();
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> k.flushTiny(d, 0, d.length, t), k.name() + ": double threshold " + t);
                assertTrue(e.getMessage().contains("flushTiny") && e.getMessage().contains(String.valueOf(t)), k.name() + ": " + e.getMessage());
                assertArrayEquals(before, d, k.name() + ": double threshold " + t);
            }
            for (float t : BAD_FLOAT_THRESHOLDS) {
                float[] f = {Float.MIN_VALUE, 1e-35f, 1f};
                float[] before = f.clone();
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> k.flushTiny(f, 0, f.length, t), k.name() + ": float threshold " + t);
                assertTrue(e.getMessage().contains("flushTiny") && e.getMessage().contains(String.valueOf(t)), k.name() + ": " + e.getMessage());
                assertArrayEquals(before, f, k.name() + ": float threshold " + t);
            }
        }
    }

    /** For every threshold, long random arrays (many vectors) and short ones at several offsets, against {@link #expected}. */
    private static void checkDoubles(ActivationKernel k, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (double threshold : doubleThresholds(random)) {
            for (int length : new int[] {0, 1, 7, 8, 9, 63, 64, 65, 1000}) {
                for (int offset = 0; offset <= 3; offset++) {
                    double[] x = new double[offset + length + 2];
                    for (int i = 0; i < x.length; i++) {
                        x[i] = randomDouble(random, threshold);
                    }
                    double[] y = x.clone();
                    k.flushTiny(y, offset, offset + length, threshold);
                    for (int i = 0; i < x.length; i++) {
                        double want = i >= offset && i < offset + length ? expected(x[i], threshold) : x[i];
                        assertEquals(Double.doubleToLongBits(want), Double.doubleToLongBits(y[i]), k.name() + ": element " + i
                                + " (" + x[i] + ") of [" + offset + ", " + (offset + length) + ") below " + threshold);
                    }
                }
            }
        }
    }

    private static void checkFloats(ActivationKernel k, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (float threshold : floatThresholds(random)) {
            for (int length : new int[] {0, 1, 15, 16, 17, 127, 128, 129, 1000}) {
                for (int offset = 0; offset <= 3; offset++) {
                    float[] x = new float[offset + length + 2];
                    for (int i = 0; i < x.length; i++) {
                        x[i] = randomFloat(random, threshold);
                    }
                    float[] y = x.clone();
                    k.flushTiny(y, offset, offset + length, threshold);
                    for (int i = 0; i < x.length; i++) {
                        float want = i >= offset && i < offset + length ? expected(x[i], threshold) : x[i];
                        assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(y[i]), k.name() + ": element " + i
                                + " (" + x[i] + ") of [" + offset + ", " + (offset + length) + ") below " + threshold);
                    }
                }
            }
        }
    }
}
