package org.tapegrad.check;

import org.tapegrad.op.Op;
import org.tapegrad.op.OpContext;
import org.tapegrad.op.Shape;

/** The README's custom-op example: {@code y = log(1 + eˣ)}; {@code x̄ += ȳ ⊙ σ(x)}. */
public final class Softplus implements Op<Void> {

    @Override
    public String name() {
        return "softplus";
    }

    @Override
    public Shape outputShape(Shape... in) {
        return in[0];
    }

    @Override
    public Void forward(OpContext ctx) {
        double[] x = ctx.input(0).data;
        double[] y = ctx.output().data;
        for (int i = 0; i < x.length; i++) {
            y[i] = Math.max(x[i], 0) + Math.log1p(Math.exp(-Math.abs(x[i])));   // never overflows
        }
        return null;
    }

    @Override
    public void backward(OpContext ctx, Void saved) {
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
