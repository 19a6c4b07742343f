package org.tapegrad.check;

import org.tapegrad.tape.Op;
import org.tapegrad.tape.OpContext;
import org.tapegrad.tape.Shape;

/** The README's custom-op example: {@code y = log(1 + eˣ)}; {@code x̄ += ȳ ⊙ σ(x)}. */
public final class Softplus implements Op {

    @Override
    public String name() {
        return "softplus";
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
            y[i] = Math.max(x[i], 0) + Math.log1p(Math.exp(-Math.abs(x[i])));   // never overflows
        }
    }

    @Override
    public void backward(OpContext ctx) {
        if (!ctx.needsGrad(0)) {
            return;
        }
        double[] x = ctx.input(0).data;
        double[] g = ctx.outputGrad().data;
        double[] dx = ctx.inputGrad(0).data;
        for (int i = 0; i < x.length; i++) {
            dx[i] += g[i] / (1 + Math.exp(-x[i]));
        }
    }
}
