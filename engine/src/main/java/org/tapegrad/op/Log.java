package org.tapegrad.op;

import org.tapegrad.kernel.Kernels;

/** {@code y = ln x} (x &gt; 0; NaN or −∞ otherwise, caught by anomaly mode); {@code x̄ += ȳ / x};
 * {@code ẏ = ẋ / x}. */
public final class Log extends ElementwiseUnary {

    public static final Log INSTANCE = new Log();

    private Log() {
        super("log");
    }

    @Override
    void compute(double[] x, double[] y, Kernels kernels) {
        for (int i = 0; i < x.length; i++) {
            y[i] = Math.log(x[i]);
        }
    }

    @Override
    void accumulateGradient(double[] x, double[] y, double[] g, double[] dx) {
        for (int i = 0; i < x.length; i++) {
            dx[i] += g[i] / x[i];
        }
    }

    @Override
    void compute(float[] x, float[] y, Kernels kernels) {
        for (int i = 0; i < x.length; i++) {
            y[i] = (float) Math.log(x[i]);
        }
    }

    @Override
    void accumulateGradient(float[] x, float[] y, float[] g, float[] dx) {
        for (int i = 0; i < x.length; i++) {
            dx[i] += g[i] / x[i];
        }
    }

    @Override
    <V> V tangentOf(TangentContext<V> ctx, V x, V y, V dx) {
        return ctx.apply(Divide.INSTANCE, dx, x);
    }
}
