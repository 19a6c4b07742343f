package org.tapegrad.op;

import org.tapegrad.kernel.Activations;
import org.tapegrad.tape.Op;
import org.tapegrad.tape.OpContext;
import org.tapegrad.tape.Shape;

/** {@code y = eˣ}; {@code x̄ += ȳ ⊙ y}. */
public final class Exp implements Op {

    public static final Exp INSTANCE = new Exp();

    private Exp() {
    }

    @Override
    public String name() {
        return "exp";
    }

    @Override
    public Shape outputShape(Shape... in) {
        return in[0];
    }

    @Override
    public void forward(OpContext ctx) {
        double[] x = ctx.input(0).data;
        Activations.kernel().exp(x, 0, ctx.output().data, 0, x.length);
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
            dx[i] += g[i] * y[i];
        }
    }
}
