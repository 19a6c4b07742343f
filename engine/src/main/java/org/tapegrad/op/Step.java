package org.tapegrad.op;

import org.tapegrad.kernel.Kernels;

/**
 * {@code y = 1[x > 0]} (the derivative of relu, as a 0/1 mask); {@code x̄ += 0}; {@code ẏ = 0}: its derivative is
 * zero wherever it exists. Relu's tangent rule records it, so a tangent stays a recording of ops.
 */
public final class Step extends ElementwiseUnary {

    public static final Step INSTANCE = new Step();

    private Step() {
        super("step");
    }

    @Override
    void compute(double[] x, double[] y, int from, int to, Kernels kernels) {
        for (int i = from; i < to; i++) {
            y[i] = x[i] > 0 ? 1.0 : 0.0;
        }
    }

    @Override
    void accumulateGradient(double[] x, double[] y, double[] g, double[] dx, int from, int to) {
        // zero almost everywhere: nothing to add
    }

    @Override
    void compute(float[] x, float[] y, int from, int to, Kernels kernels) {
        for (int i = from; i < to; i++) {
            y[i] = x[i] > 0 ? 1f : 0f;
        }
    }

    @Override
    void accumulateGradient(float[] x, float[] y, float[] g, float[] dx, int from, int to) {
        // zero almost everywhere: nothing to add
    }

    @Override
    <V> V tangentOf(TangentContext<V> ctx, V x, V y, V dx) {
        return null;
    }
}
