package org.tapegrad.op;

import org.tapegrad.kernel.Kernels;
import org.tapegrad.kernel.SplitWork;

/** {@code y = eˣ}; {@code x̄ += ȳ ⊙ y}; {@code ẏ = ẋ ⊙ y}. */
public final class Exp extends ElementwiseUnary {

    public static final Exp INSTANCE = new Exp();

    private Exp() {
        super("exp");
    }

    @Override
    int cost() {
        return SplitWork.TRANSCENDENTAL;
    }

    @Override
    void compute(double[] x, double[] y, int from, int to, Kernels kernels) {
        kernels.activations().exp(x, from, y, from, to - from);
    }

    @Override
    void accumulateGradient(double[] x, double[] y, double[] g, double[] dx, int from, int to) {
        for (int i = from; i < to; i++) {
            dx[i] += g[i] * y[i];
        }
    }

    @Override
    void compute(float[] x, float[] y, int from, int to, Kernels kernels) {
        kernels.activations().exp(x, from, y, from, to - from);
    }

    @Override
    void accumulateGradient(float[] x, float[] y, float[] g, float[] dx, int from, int to) {
        for (int i = from; i < to; i++) {
            dx[i] += g[i] * y[i];
        }
    }

    @Override
    <V> V tangentOf(TangentContext<V> ctx, V x, V y, V dx) {
        return TangentTerms.times(ctx, dx, y);
    }
}
