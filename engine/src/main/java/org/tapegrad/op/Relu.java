package org.tapegrad.op;

import org.tapegrad.tape.Op;
import org.tapegrad.tape.OpContext;
import org.tapegrad.tape.Shape;

/** {@code y = max(x, 0)}; {@code x̄ += ȳ ⊙ [x &gt; 0]} (subgradient 0 at x = 0). */
public final class Relu implements Op {

    public static final Relu INSTANCE = new Relu();

    private Relu() {
    }

    @Override
    public String name() {
        return "relu";
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
            y[i] = x[i] > 0 ? x[i] : 0.0;
        }
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
            dx[i] += x[i] > 0 ? g[i] : 0.0;
        }
    }
}
