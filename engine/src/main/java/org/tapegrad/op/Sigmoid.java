package org.tapegrad.op;

import org.tapegrad.kernel.Kernels;
import org.tapegrad.kernel.SplitWork;

/** {@code y = σ(x) = 1/(1+e^{−x})}, overflow-free for any x; {@code x̄ += ȳ ⊙ y ⊙ (1 − y)};
 * {@code ẏ = ẋ ⊙ y ⊙ (1 − y)}. */
public final class Sigmoid extends ElementwiseUnary {

    public static final Sigmoid INSTANCE = new Sigmoid();

    private Sigmoid() {
        super("sigmoid");
    }

    @Override
    int cost() {
        return SplitWork.TRANSCENDENTAL;
    }

    @Override
    void compute(double[] x, double[] y, int from, int to, Kernels kernels) {
        kernels.activations().sigmoid(x, from, y, from, to - from);
    }

    @Override
    void accumulateGradient(double[] x, double[] y, double[] g, double[] dx, int from, int to) {
        for (int i = from; i < to; i++) {
            dx[i] += g[i] * y[i] * (1.0 - y[i]);
        }
    }

    @Override
    void compute(float[] x, float[] y, int from, int to, Kernels kernels) {
        kernels.activations().sigmoid(x, from, y, from, to - from);
    }

    @Override
    void accumulateGradient(float[] x, float[] y, float[] g, float[] dx, int from, int to) {
        for (int i = from; i < to; i++) {
            dx[i] += g[i] * y[i] * (1f - y[i]);
        }
    }

    @Override
    <V> V tangentOf(TangentContext<V> ctx, V x, V y, V dx) {
        return TangentTerms.times(ctx, dx, TangentTerms.times(ctx, y, ctx.apply(ScaleShift.ONE_MINUS, y)));
    }
}
