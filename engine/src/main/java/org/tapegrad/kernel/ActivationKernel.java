package org.tapegrad.kernel;

/**
 * Element-wise exp, tanh and sigmoid over a run of an array: {@code y[yOff + i] = f(x[xOff + i])} for
 * {@code i < n}. {@code x} and {@code y} may be the same array at the same offset.
 */
public interface ActivationKernel {

    String name();

    void exp(double[] x, int xOff, double[] y, int yOff, int n);

    /** tanh with exact limits at ±∞ and full relative precision near 0. */
    void tanh(double[] x, int xOff, double[] y, int yOff, int n);

    /** {@code 1/(1+e^{−x})}, never overflowing. */
    void sigmoid(double[] x, int xOff, double[] y, int yOff, int n);
}
