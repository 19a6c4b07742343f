package org.tapegrad.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * {@code flushSubnormals} sets exactly the subnormals to the zero of their sign and leaves every other element, and
 * everything outside the range, as it was; the vector kernel gives the scalar kernel's bits at every length and
 * offset (vector body and tail). Bits are compared with {@code doubleToLongBits}/{@code floatToIntBits}, which tell
 * +0 from −0 and fold NaN payloads (Java leaves those unspecified).
 */
class SubnormalFlushTest {

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

    /** The definition, written apart from the kernels' bit test: a non-zero magnitude below the smallest normal. */
    private static double expected(double x) {
        return x != 0 && Math.abs(x) < Double.MIN_NORMAL ? Math.copySign(0.0, x) : x;
    }

    private static float expected(float x) {
        return x != 0 && Math.abs(x) < Float.MIN_NORMAL ? Math.copySign(0f, x) : x;
    }

    /** A third specials, a third random subnormals of either sign, a third random normals over the whole range. */
    private static double randomDouble(SplittableRandom random) {
        double sign = random.nextBoolean() ? 1 : -1;
        switch (random.nextInt(3)) {
            case 0:
                return DOUBLE_SPECIALS[random.nextInt(DOUBLE_SPECIALS.length)];
            case 1:
                return sign * Double.longBitsToDouble(random.nextLong(1, Double.doubleToRawLongBits(Double.MIN_NORMAL)));
            default:
                return sign * Math.scalb(1 + random.nextDouble(), random.nextInt(-1022, 1024));
        }
    }

    private static float randomFloat(SplittableRandom random) {
        float sign = random.nextBoolean() ? 1 : -1;
        switch (random.nextInt(3)) {
            case 0:
                return FLOAT_SPECIALS[random.nextInt(FLOAT_SPECIALS.length)];
            case 1:
                return sign * Float.intBitsToFloat(random.nextInt(1, Float.floatToRawIntBits(Float.MIN_NORMAL)));
            default:
                return sign * Math.scalb(1 + random.nextFloat(), random.nextInt(-126, 128));
        }
    }

    @Test
    void theScalarKernelFlushesExactlyTheSubnormalsToSignedZero() {
        checkDoubles(new ScalarActivations(), 1);
        checkFloats(new ScalarActivations(), 2);
    }

    @Test
    void theVectorKernelFlushesExactlyTheSubnormalsToSignedZero() {
        assumeTrue(Kernels.vectorAvailable(), "needs --add-modules jdk.incubator.vector");
        checkDoubles(Kernels.activations("vector"), 1);
        checkFloats(Kernels.activations("vector"), 2);
    }

    /** Every length 0..70 at offsets 0..8, with elements before and after the range that must stay as they are. */
    @Test
    void vectorAndScalarGiveTheSameBitsAtEveryLengthAndOffset() {
        assumeTrue(Kernels.vectorAvailable(), "needs --add-modules jdk.incubator.vector");
        ActivationKernel vector = Kernels.activations("vector");
        ActivationKernel scalar = new ScalarActivations();
        SplittableRandom random = new SplittableRandom(5);
        for (int length = 0; length <= 70; length++) {
            for (int offset = 0; offset <= 8; offset++) {
                double[] d = new double[offset + length + 3];
                float[] f = new float[offset + length + 3];
                for (int i = 0; i < d.length; i++) {
                    d[i] = randomDouble(random);
                    f[i] = randomFloat(random);
                }
                double[] dv = d.clone();
                double[] ds = d.clone();
                vector.flushSubnormals(dv, offset, offset + length);
                scalar.flushSubnormals(ds, offset, offset + length);
                float[] fv = f.clone();
                float[] fs = f.clone();
                vector.flushSubnormals(fv, offset, offset + length);
                scalar.flushSubnormals(fs, offset, offset + length);
                for (int i = 0; i < d.length; i++) {
                    String where = "length " + length + ", offset " + offset + ", element " + i;
                    assertEquals(Double.doubleToLongBits(ds[i]), Double.doubleToLongBits(dv[i]), "double " + where + " of " + d[i]);
                    assertEquals(Float.floatToIntBits(fs[i]), Float.floatToIntBits(fv[i]), "float " + where + " of " + f[i]);
                }
            }
        }
    }

    @Test
    void aRangeOutsideTheArrayIsRejectedBeforeAnythingIsWritten() {
        for (ActivationKernel k : ActivationKernelTest.kernels()) {
            double[] d = {Double.MIN_VALUE, Double.MIN_VALUE};
            assertThrows(IndexOutOfBoundsException.class, () -> k.flushSubnormals(d, 0, 3), k.name());
            assertThrows(IndexOutOfBoundsException.class, () -> k.flushSubnormals(d, 2, 1), k.name());
            assertEquals(Double.MIN_VALUE, d[0], k.name());
            float[] f = {Float.MIN_VALUE, Float.MIN_VALUE};
            assertThrows(IndexOutOfBoundsException.class, () -> k.flushSubnormals(f, -1, 2), k.name());
            assertEquals(Float.MIN_VALUE, f[1], k.name());
        }
    }

    /** Long random arrays (many vectors) and every range of short ones, against {@link #expected}. */
    private static void checkDoubles(ActivationKernel k, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (int length : new int[] {0, 1, 7, 8, 9, 63, 64, 65, 1000, 4099}) {
            for (int offset = 0; offset <= 3; offset++) {
                double[] x = new double[offset + length + 2];
                for (int i = 0; i < x.length; i++) {
                    x[i] = randomDouble(random);
                }
                double[] y = x.clone();
                k.flushSubnormals(y, offset, offset + length);
                for (int i = 0; i < x.length; i++) {
                    double want = i >= offset && i < offset + length ? expected(x[i]) : x[i];
                    assertEquals(Double.doubleToLongBits(want), Double.doubleToLongBits(y[i]),
                            k.name() + ": element " + i + " (" + x[i] + ") of [" + offset + ", " + (offset + length) + ")");
                }
            }
        }
    }

    private static void checkFloats(ActivationKernel k, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (int length : new int[] {0, 1, 15, 16, 17, 127, 128, 129, 1000, 4099}) {
            for (int offset = 0; offset <= 3; offset++) {
                float[] x = new float[offset + length + 2];
                for (int i = 0; i < x.length; i++) {
                    x[i] = randomFloat(random);
                }
                float[] y = x.clone();
                k.flushSubnormals(y, offset, offset + length);
                for (int i = 0; i < x.length; i++) {
                    float want = i >= offset && i < offset + length ? expected(x[i]) : x[i];
                    assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(y[i]),
                            k.name() + ": element " + i + " (" + x[i] + ") of [" + offset + ", " + (offset + length) + ")");
                }
            }
        }
    }
}
