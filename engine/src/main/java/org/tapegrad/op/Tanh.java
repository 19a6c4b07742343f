package org.tapegrad.op;

import org.tapegrad.kernel.Kernels;
import org.tapegrad.kernel.SplitWork;

/** {@code y = tanh x}; {@code x̄ += ȳ ⊙ (1 − y²)}; {@code ẏ = ẋ ⊙ (1 − y²)}. */
public final class Tanh extends ElementwiseUnary {

    public static final Tanh INSTANCE = new Tanh();

    private Tanh() {
        super("tanh");
    }

    @Override
    int cost() {
        return SplitWork.TRANSCENDENTAL;
    }

    @Override
    void compute(double[] x, double[] y, int from, int to, Kernels kernels) {
        kernels.activations().tanh(x, from, y, from, to - from);
    }

    @Override
    void accumulateGradient(double[] x, double[] y, double[] g, double[] dx, int from, int to) {
        for (int i = from; i < to; i++) {
            dx[i] += g[i] * (1.0 - y[i] * y[i]);
        }
    }

    @Override
    void compute(float[] x, float[] y, int from, int to, Kernels kernels) {
        kernels.activations().tanh(x, from, y, from, to - from);
    }

    @Override
    void accumulateGradient(float[] x, float[] y, float[] g, float[] dx, int from, int to) {
        for (int i = from; i < to; i++) {
            dx[i] += g[i] * (1f - y[i] * y[i]);
        }
    }

    @Override
    <V> V tangentOf(TangentContext<V> ctx, V x, V y, V dx) {
        return TangentTerms.times(ctx, dx, ctx.apply(ScaleShift.ONE_MINUS, TangentTerms.times(ctx, y, y)));
    }
}
