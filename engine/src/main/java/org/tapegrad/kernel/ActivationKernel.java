package org.tapegrad.kernel;

import java.util.Objects;

/**
 * Element-wise exp, tanh and sigmoid over a run of an array: {@code y[yOff + i] = f(x[xOff + i])} for
 * {@code i < n}. {@code x} and {@code y} may be the same array at the same offset. Also the one in-place pass the
 * tape runs over gradients, {@link #flushSubnormals(double[], int, int) flushSubnormals}.
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
     * {@code x ← 0 < |x| < MIN_NORMAL ? ±0 : x} over {@code data[from, to)}, the zero of x's sign (as a CPU's flush-to-zero mode gives): subnormal arithmetic takes a microcode assist on many CPUs, and Java cannot set their flush-to-zero flags.
     *
     * <p>Zeros, normals, ±∞ and NaN are left as they are. Decided on the bits (a zero exponent field), so no subnormal
     * passes through a floating-point unit here. Built-in kernels may override this with faster code that must give
     * exactly these bits.
     */
    default void flushSubnormals(double[] data, int from, int to) {
        Objects.checkFromToIndex(from, to, data.length);
        for (int i = from; i < to; i++) {
            data[i] = Subnormals.flush(data[i]);
        }
    }

    /** {@code x ← 0 < |x| < Float.MIN_NORMAL ? ±0 : x} in float32, as {@link #flushSubnormals(double[], int, int)}: a decaying gradient gets below 2^−126 ≈ 1.2e−38 long before 2^−1022. */
    default void flushSubnormals(float[] data, int from, int to) {
        Objects.checkFromToIndex(from, to, data.length);
        for (int i = from; i < to; i++) {
            data[i] = Subnormals.flush(data[i]);
        }
    }
}
