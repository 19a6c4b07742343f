package org.tapegrad.kernel;

/**
 * Element-wise exp, tanh and sigmoid over a run of an array: {@code y[yOff + i] = f(x[xOff + i])} for
 * {@code i < n}. {@code x} and {@code y} may be the same array at the same offset.
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
}
