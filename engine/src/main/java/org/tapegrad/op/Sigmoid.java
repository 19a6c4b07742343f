package org.tapegrad.op;

import org.tapegrad.kernel.Activations;
import org.tapegrad.tape.Op;
import org.tapegrad.tape.OpContext;
import org.tapegrad.tape.Shape;

/** {@code y = σ(x) = 1/(1+e^{−x})}, overflow-free for any x; {@code x̄ += ȳ ⊙ y ⊙ (1 − y)}. */
public final class Sigmoid implements Op {

    public static final Sigmoid INSTANCE = new Sigmoid();

    private Sigmoid() {
    }

    @Override
    public String name() {
        return "sigmoid";
    }

    @Override
    public Shape outputShape(Shape... in) {
        return in[0];
    }

    @Override
    public void forward(OpContext ctx) {
        double[] x = ctx.input(0).data;
        Activations.kernel().sigmoid(x, 0, ctx.output().data, 0, x.length);
    }

    @Override
    public void backward(OpContext ctx) {
        if (!ctx.needsGrad(0)) {
            return;
        }
        double[] x = ctx.input(0).data;
        double[] y = ctx.output().data;
        double[] g = ctx.outputGrad().data;
        double[] dx = ctx.inputGrad(0).data;
        for (int i = 0; i < x.length; i++) {
            dx[i] += g[i] * y[i] * (1.0 - y[i]);
        }
    }
}
