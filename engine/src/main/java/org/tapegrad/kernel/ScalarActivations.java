package org.tapegrad.kernel;

/**
 * Plain-Java activations, the fallback when the Vector API is absent: {@link IeeeExp}'s formulas, bit for bit the
 * results of {@link VectorActivations}, so switching kernels does not change a training run. The float32 overloads
 * are the double formulas rounded once to float, as the vector kernel's are. Its {@code flushTiny} is the
 * interface's element-by-element definition.
 */
public final class ScalarActivations implements ActivationKernel {

    @Override
    public String name() {
        return "java";
    }

    /** {@code y = e^x}, within 1 ulp. */
    @Override
    public void exp(double[] x, int xOff, double[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = IeeeExp.exp(x[xOff + i]);
        }
    }

    /** {@code y = tanh x}. */
    @Override
    public void tanh(double[] x, int xOff, double[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = IeeeExp.tanh(x[xOff + i]);
        }
    }

    /** {@code y = 1/(1+e^{−x})}. */
    @Override
    public void sigmoid(double[] x, int xOff, double[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = IeeeExp.sigmoid(x[xOff + i]);
        }
    }

    /** {@code y = e^x} in float32: {@link IeeeExp#exp} rounded once to float (the same bits as {@link VectorActivations}). */
    @Override
    public void exp(float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = (float) IeeeExp.exp(x[xOff + i]);
        }
    }

    /** {@code y = tanh x} in float32: {@link IeeeExp#tanh} rounded once to float. */
    @Override
    public void tanh(float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = (float) IeeeExp.tanh(x[xOff + i]);
        }
    }

    /** {@code y = σ(x)} in float32: {@link IeeeExp#sigmoid} rounded once to float. */
    @Override
    public void sigmoid(float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = (float) IeeeExp.sigmoid(x[xOff + i]);
        }
    }

    /** {@code e^x} from IEEE operations only (see {@link IeeeExp}): the same bits on every JVM and JIT tier. */
    public static double exp(double x) {
        return IeeeExp.exp(x);
    }

    /** {@code tanh x = sign(x)·(−m)/(2 + m)} with {@code m = expm1(−2|x|)}: no cancellation near 0, exact ±1 far out. */
    public static double tanh(double x) {
        return IeeeExp.tanh(x);
    }

    /** {@code 1/(1+e^{−x})} with {@code e^{−|x|} ≤ 1}, so nothing overflows. */
    public static double sigmoid(double x) {
        return IeeeExp.sigmoid(x);
    }
}
