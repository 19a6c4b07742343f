package org.tapegrad.kernel;

import java.util.Objects;

/**
 * Element-wise exp, tanh and sigmoid over a run of an array: {@code y[yOff + i] = f(x[xOff + i])} for
 * {@code i < n}. {@code x} and {@code y} may be the same array at the same offset. Also the one in-place pass the
 * tape runs over gradients, {@link #flushTiny(double[], int, int, double) flushTiny}.
 *
 * <p>The float overloads default to the double formulas of {@link IeeeExp} rounded once to float: correctly
 * rounded in all but rare ties, and the same bits on every JVM; built-in kernels may override them with faster
 * float code that must give exactly these bits.
 */
public interface ActivationKernel {

    String name();

    void exp(double[] x, int xOff, double[] y, int yOff, int n);

    /** tanh with exact limits at ±∞ and full relative precision near 0. */
    void tanh(double[] x, int xOff, double[] y, int yOff, int n);

    /** {@code 1/(1+e^{−x})}, never overflowing. */
    void sigmoid(double[] x, int xOff, double[] y, int yOff, int n);

    /** {@code y = e^x} in float32. */
    default void exp(float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = (float) IeeeExp.exp(x[xOff + i]);
        }
    }

    /** {@code y = tanh x} in float32. */
    default void tanh(float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = (float) IeeeExp.tanh(x[xOff + i]);
        }
    }

    /** {@code y = 1/(1+e^{−x})} in float32. */
    default void sigmoid(float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = (float) IeeeExp.sigmoid(x[xOff + i]);
        }
    }

    /**
     * {@code x ← 0 < |x| < threshold ? ±0 : x} over {@code data[from, to)}, the zero of x's sign: with a threshold of
     * {@code MIN_NORMAL} this is a CPU's flush-to-zero mode, which Java cannot set, and a larger one also clears the
     * tiny normal numbers whose products would be subnormal (subnormal arithmetic takes a microcode assist on many
     * CPUs). The gradient pass runs it with {@code Tape.TINY_GRADIENT_F64}.
     *
     * <p>Zeros, magnitudes of at least {@code threshold}, ±∞ and NaN are left as they are. Decided on the bits (an
     * integer comparison of magnitudes, {@link TinyValues}), so no subnormal passes through a floating-point unit
     * here. Built-in kernels may override this with faster code that must give exactly these bits.
     *
     * @throws IllegalArgumentException unless {@code threshold} is a positive normal number
     *     ({@code Double.MIN_NORMAL ≤ threshold ≤ Double.MAX_VALUE}): a subnormal one would leave subnormals in place
     */
    default void flushTiny(double[] data, int from, int to, double threshold) {
        Objects.checkFromToIndex(from, to, data.length);
        long thresholdBits = TinyValues.thresholdBits(threshold);
        for (int i = from; i < to; i++) {
            data[i] = TinyValues.flush(data[i], thresholdBits);
        }
    }

    /**
     * {@code x ← 0 < |x| < threshold ? ±0 : x} in float32, as {@link #flushTiny(double[], int, int, double)}; the
     * gradient pass runs it with {@code Tape.TINY_GRADIENT_F32}.
     *
     * @throws IllegalArgumentException unless {@code Float.MIN_NORMAL ≤ threshold ≤ Float.MAX_VALUE}
     */
    default void flushTiny(float[] data, int from, int to, float threshold) {
        Objects.checkFromToIndex(from, to, data.length);
        int thresholdBits = TinyValues.thresholdBits(threshold);
        for (int i = from; i < to; i++) {
            data[i] = TinyValues.flush(data[i], thresholdBits);
        }
    }
}
