package org.tapegrad.op;

import org.tapegrad.kernel.Kernels;

/** {@code y = eˣ}; {@code x̄ += ȳ ⊙ y}; {@code ẏ = ẋ ⊙ y}. */
public final class Exp extends ElementwiseUnary {

    public static final Exp INSTANCE = new Exp();

    private Exp() {
        super("exp");
    }

    @Override
    void compute(double[] x, double[] y, Kernels kernels) {
        kernels.activations().exp(x, 0, y, 0, x.length);
    }

    @Override
    void accumulateGradient(double[] x, double[] y, double[] g, double[] dx) {
        for (int i = 0; i < x.length; i++) {
            dx[i] += g[i] * y[i];
        }
    }

    @Override
    void compute(float[] x, float[] y, Kernels kernels) {
        kernels.activations().exp(x, 0, y, 0, x.length);
    }

    @Override
    void accumulateGradient(float[] x, float[] y, float[] g, float[] dx) {
        for (int i = 0; i < x.length; i++) {
            dx[i] += g[i] * y[i];
        }
    }

    @Override
    <V> V tangentOf(TangentContext<V> ctx, V x, V y, V dx) {
        return TangentTerms.times(ctx, dx, y);
    }
}
