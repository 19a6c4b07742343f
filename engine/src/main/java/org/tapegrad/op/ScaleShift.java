package org.tapegrad.op;

import org.tapegrad.tape.Op;
import org.tapegrad.tape.OpContext;
import org.tapegrad.tape.Shape;

/** {@code y = α·x + β} for constants α, β (negate, scale, add a scalar, 1 − x); {@code x̄ += α·ȳ}. */
public final class ScaleShift implements Op {

    public static final ScaleShift NEGATE = new ScaleShift("negate", -1.0, 0.0);
    public static final ScaleShift ONE_MINUS = new ScaleShift("one_minus", -1.0, 1.0);

    private final String name;
    private final double alpha;
    private final double beta;

    private ScaleShift(String name, double alpha, double beta) {
        if (!Double.isFinite(alpha) || !Double.isFinite(beta)) {
            throw new IllegalArgumentException(name + ": constant must be finite, got α=" + alpha + ", β=" + beta);
        }
        this.name = name;
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

    @Override
    public String name() {
        return name;
    }

    @Override
    public Shape outputShape(Shape... in) {
        return in[0];
    }

    @Override
    public void forward(OpContext ctx) {
        double[] x = ctx.input(0).data;
        double[] y = ctx.output().data;
        for (int i = 0; i < x.length; i++) {
            y[i] = alpha * x[i] + beta;
        }
    }

    @Override
    public void backward(OpContext ctx) {
        if (ctx.needsGrad(0)) {
            Kernels.addInto(ctx.outputGrad().data, ctx.inputGrad(0).data, alpha);
        }
    }
}
