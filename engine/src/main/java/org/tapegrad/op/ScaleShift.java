package org.tapegrad.op;

import org.tapegrad.kernel.Kernels;

/** {@code y = α·x + β} for constants α, β (negate, scale, add a scalar, 1 − x); {@code x̄ += α·ȳ};
 * {@code ẏ = α·ẋ}. */
public final class ScaleShift extends ElementwiseUnary {

    public static final ScaleShift NEGATE = new ScaleShift("negate", -1.0, 0.0);
    public static final ScaleShift ONE_MINUS = new ScaleShift("one_minus", -1.0, 1.0);

    private final double alpha;
    private final double beta;

    private ScaleShift(String name, double alpha, double beta) {
        super(name);
        if (!Double.isFinite(alpha) || !Double.isFinite(beta)) {
            throw new IllegalArgumentException(name + ": constant must be finite, got α=" + alpha + ", β=" + beta);
        }
        this.alpha = alpha;
        this.beta = beta;
    }

    /** {@code y = c·x}. */
    public static ScaleShift scale(double c) {
        return new ScaleShift("scale", c, 0.0);
    }

    /** {@code y = x + c}. */
    public static ScaleShift add(double c) {
        return new ScaleShift("add_scalar", 1.0, c);
    }

    /** The factor α of {@code α·x + β}. */
    public double alpha() {
        return alpha;
    }

    /** The shift β of {@code α·x + β}. */
    public double beta() {
        return beta;
    }

    @Override
    void compute(double[] x, double[] y, int from, int to, Kernels kernels) {
        for (int i = from; i < to; i++) {
            y[i] = alpha * x[i] + beta;
        }
    }

    @Override
    void accumulateGradient(double[] x, double[] y, double[] g, double[] dx, int from, int to) {
        Products.addInto(g, dx, alpha, from, to);
    }

    @Override
    void compute(float[] x, float[] y, int from, int to, Kernels kernels) {
        float a = (float) alpha;
        float b = (float) beta;
        for (int i = from; i < to; i++) {
            y[i] = a * x[i] + b;
        }
    }

    @Override
    void accumulateGradient(float[] x, float[] y, float[] g, float[] dx, int from, int to) {
        Products.addInto(g, dx, (float) alpha, from, to);
    }

    @Override
    <V> V tangentOf(TangentContext<V> ctx, V x, V y, V dx) {
        return alpha == 1.0 ? dx : ctx.apply(ScaleShift.scale(alpha), dx);
    }
}
