package org.tapegrad.kernel;

/**
 * What flushing a subnormal means, element by element: the reference that {@link ActivationKernel#flushSubnormals}
 * and every vector version of it reproduce bit for bit. A number is subnormal when its exponent field is zero and
 * its mantissa is not; as bits without the sign that is {@code 0 < |bits| < bits(MIN_NORMAL)}, a comparison of
 * integers, which no floating-point unit (and so no microcode assist) takes part in. NaN's and ∞'s bits lie above
 * {@code bits(MIN_NORMAL)}, zeros' below, and clearing all but the sign leaves those zeros as they were.
 */
final class Subnormals {

    /** The sign bit of a double. */
    static final long DOUBLE_SIGN = 0x8000_0000_0000_0000L;
    /** Everything but the sign bit of a double. */
    static final long DOUBLE_MAGNITUDE = 0x7FFF_FFFF_FFFF_FFFFL;
    /** The bits of {@link Double#MIN_NORMAL}, 2^−1022: every magnitude below it is a subnormal or zero. */
    static final long DOUBLE_MIN_NORMAL_BITS = Double.doubleToRawLongBits(Double.MIN_NORMAL);

    /** The sign bit of a float. */
    static final int FLOAT_SIGN = 0x8000_0000;
    /** Everything but the sign bit of a float. */
    static final int FLOAT_MAGNITUDE = 0x7FFF_FFFF;
    /** The bits of {@link Float#MIN_NORMAL}, 2^−126. */
    static final int FLOAT_MIN_NORMAL_BITS = Float.floatToRawIntBits(Float.MIN_NORMAL);

    private Subnormals() {
    }

    /** {@code 0 < |x| < MIN_NORMAL ? ±0 : x}, the zero of x's sign. */
    static double flush(double x) {
        long bits = Double.doubleToRawLongBits(x);
        return (bits & DOUBLE_MAGNITUDE) < DOUBLE_MIN_NORMAL_BITS ? Double.longBitsToDouble(bits & DOUBLE_SIGN) : x;
    }

    /** {@code 0 < |x| < Float.MIN_NORMAL ? ±0 : x}, the zero of x's sign. */
    static float flush(float x) {
        int bits = Float.floatToRawIntBits(x);
        return (bits & FLOAT_MAGNITUDE) < FLOAT_MIN_NORMAL_BITS ? Float.intBitsToFloat(bits & FLOAT_SIGN) : x;
    }
}
