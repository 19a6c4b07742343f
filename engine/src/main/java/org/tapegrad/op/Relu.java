package org.tapegrad.op;

import org.tapegrad.kernel.Kernels;

/**
 * {@code y = max(x, 0)}; {@code x̄ += ȳ ⊙ [x &gt; 0]} (subgradient 0 at x = 0); {@code ẏ = ẋ ⊙ [x &gt; 0]}, the mask
 * recorded as a {@link Step}.
 */
public final class Relu extends ElementwiseUnary {

    public static final Relu INSTANCE = new Relu();

    private Relu() {
        super("relu");
    }

    @Override
    void compute(double[] x, double[] y, int from, int to, Kernels kernels) {
        for (int i = from; i < to; i++) {
            y[i] = x[i] > 0 ? x[i] : 0.0;
        }
    }

    @Override
    void accumulateGradient(double[] x, double[] y, double[] g, double[] dx, int from, int to) {
        for (int i = from; i < to; i++) {
            dx[i] += x[i] > 0 ? g[i] : 0.0;
        }
    }

    @Override
    void compute(float[] x, float[] y, int from, int to, Kernels kernels) {
        for (int i = from; i < to; i++) {
            y[i] = x[i] > 0 ? x[i] : 0f;
        }
    }

    @Override
    void accumulateGradient(float[] x, float[] y, float[] g, float[] dx, int from, int to) {
        for (int i = from; i < to; i++) {
            dx[i] += x[i] > 0 ? g[i] : 0f;
        }
    }

    @Override
    <V> V tangentOf(TangentContext<V> ctx, V x, V y, V dx) {
        // The derivative is piecewise constant: a 0/1 mask recorded as an op whose own derivative is 0.
        return TangentTerms.times(ctx, dx, ctx.apply(Step.INSTANCE, x));
    }
}
