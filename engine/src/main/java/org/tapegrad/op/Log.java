package org.tapegrad.op;

import org.tapegrad.kernel.Kernels;
import org.tapegrad.kernel.SplitWork;

/** {@code y = ln x} (x &gt; 0; NaN or −∞ otherwise, caught by anomaly mode); {@code x̄ += ȳ / x};
 * {@code ẏ = ẋ / x}. */
public final class Log extends ElementwiseUnary {

    public static final Log INSTANCE = new Log();

    private Log() {
        super("log");
    }

    @Override
    int cost() {
        return SplitWork.TRANSCENDENTAL;
    }

    @Override
    void compute(double[] x, double[] y, int from, int to, Kernels kernels) {
        for (int i = from; i < to; i++) {
            y[i] = Math.log(x[i]);
        }
    }

    @Override
    void accumulateGradient(double[] x, double[] y, double[] g, double[] dx, int from, int to) {
        for (int i = from; i < to; i++) {
            dx[i] += g[i] / x[i];
        }
    }

    @Override
    void compute(float[] x, float[] y, int from, int to, Kernels kernels) {
        for (int i = from; i < to; i++) {
            y[i] = (float) Math.log(x[i]);
        }
    }

    @Override
    void accumulateGradient(float[] x, float[] y, float[] g, float[] dx, int from, int to) {
        for (int i = from; i < to; i++) {
            dx[i] += g[i] / x[i];
        }
    }

    @Override
    <V> V tangentOf(TangentContext<V> ctx, V x, V y, V dx) {
        return ctx.apply(Divide.INSTANCE, dx, x);
    }
}
