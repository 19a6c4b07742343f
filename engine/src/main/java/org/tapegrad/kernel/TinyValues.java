package org.tapegrad.kernel;

/**
 * What flushing tiny values means, element by element: {@code 0 < |x| < threshold} becomes the zero of x's sign,
 * everything else stays. This is the reference that {@link ActivationKernel#flushTiny} and every vector version of
 * it reproduce bit for bit.
 *
 * <p>It is decided on integers. Read as integers, the bit patterns of non-negative floating-point numbers are in the
 * order of their values, with +∞ above every finite number and the NaNs above +∞. So with the sign bit cleared,
 * {@code bits(|x|) < bits(threshold)} is {@code |x| < threshold} for every x, NaN included (never below), and for any
 * positive finite threshold; no floating-point unit, and so no microcode assist, takes part. Zeros lie below every
 * such threshold, and clearing all but the sign leaves them as they were.
 *
 * <p>The kernels accept only positive normal thresholds ({@link #thresholdBits(double)}): a subnormal one would leave
 * the subnormals below it in place, and removing those is what the flush is for.
 */
final class TinyValues {

    /** The sign bit of a double. */
    static final long DOUBLE_SIGN = 0x8000_0000_0000_0000L;
    /** Everything but the sign bit of a double. */
    static final long DOUBLE_MAGNITUDE = 0x7FFF_FFFF_FFFF_FFFFL;

    /** The sign bit of a float. */
    static final int FLOAT_SIGN = 0x8000_0000;
    /** Everything but the sign bit of a float. */
    static final int FLOAT_MAGNITUDE = 0x7FFF_FFFF;

    private TinyValues() {
    }

    /**
     * The bits that magnitudes are compared with, once {@code threshold} is checked.
     *
     * @throws IllegalArgumentException unless {@code Double.MIN_NORMAL ≤ threshold ≤ Double.MAX_VALUE}
     */
    static long thresholdBits(double threshold) {
        if (!(threshold >= Double.MIN_NORMAL && threshold <= Double.MAX_VALUE)) {
            throw new IllegalArgumentException("flushTiny: the threshold is " + threshold
                    + "; expected a positive normal double, Double.MIN_NORMAL ≤ threshold ≤ Double.MAX_VALUE");
        }
        return Double.doubleToRawLongBits(threshold);
    }

    /**
     * The float form of {@link #thresholdBits(double)}.
     *
     * @throws IllegalArgumentException unless {@code Float.MIN_NORMAL ≤ threshold ≤ Float.MAX_VALUE}
     */
    static int thresholdBits(float threshold) {
        if (!(threshold >= Float.MIN_NORMAL && threshold <= Float.MAX_VALUE)) {
            throw new IllegalArgumentException("flushTiny: the threshold is " + threshold
                    + "; expected a positive normal float, Float.MIN_NORMAL ≤ threshold ≤ Float.MAX_VALUE");
        }
        return Float.floatToRawIntBits(threshold);
    }

    /** {@code 0 < |x| < threshold ? ±0 : x}, the zero of x's sign; {@code thresholdBits} from {@link #thresholdBits(double)}. */
    static double flush(double x, long thresholdBits) {
        long bits = Double.doubleToRawLongBits(x);
        return (bits & DOUBLE_MAGNITUDE) < thresholdBits ? Double.longBitsToDouble(bits & DOUBLE_SIGN) : x;
    }

    /** {@code 0 < |x| < threshold ? ±0 : x} in float32; {@code thresholdBits} from {@link #thresholdBits(float)}. */
    static float flush(float x, int thresholdBits) {
        int bits = Float.floatToRawIntBits(x);
        return (bits & FLOAT_MAGNITUDE) < thresholdBits ? Float.intBitsToFloat(bits & FLOAT_SIGN) : x;
    }
}
