package org.tapegrad.op;

import org.tapegrad.tape.Op;
import org.tapegrad.tape.OpContext;
import org.tapegrad.tape.Shape;
import org.tapegrad.tape.ShapeException;

/**
 * Element-wise binary cross-entropy of logits x against targets t in [0, 1], in the form that never overflows:
 * {@code y = max(x, 0) − x·t + log(1 + e^{−|x|})}; {@code x̄ += ȳ ⊙ (σ(x) − t)}, {@code t̄ += −ȳ ⊙ x}.
 */
public final class BinaryCrossEntropy implements Op {

    public static final BinaryCrossEntropy INSTANCE = new BinaryCrossEntropy();

    private BinaryCrossEntropy() {
    }

    @Override
    public String name() {
        return "sigmoid_binary_cross_entropy";
    }

    @Override
    public Shape outputShape(Shape... in) {
        if (!in[0].equals(in[1])) {
            throw ShapeException.of(name(), "logits and targets must have the same shape", in);
        }
        return in[0];
    }

    @Override
    public void forward(OpContext ctx) {
        double[] x = ctx.input(0).data;
        double[] t = ctx.input(1).data;
        double[] y = ctx.output().data;
        for (int i = 0; i < x.length; i++) {
            y[i] = Math.max(x[i], 0.0) - x[i] * t[i] + Math.log1p(Math.exp(-Math.abs(x[i])));
        }
    }

    @Override
    public void backward(OpContext ctx) {
        double[] x = ctx.input(0).data;
        double[] t = ctx.input(1).data;
        double[] g = ctx.outputGrad().data;
        if (ctx.needsGrad(0)) {
            double[] dx = ctx.inputGrad(0).data;
            for (int i = 0; i < x.length; i++) {
                dx[i] += g[i] * (org.tapegrad.kernel.ScalarActivations.sigmoid(x[i]) - t[i]);
            }
        }
        if (ctx.needsGrad(1)) {
            double[] dt = ctx.inputGrad(1).data;
            for (int i = 0; i < x.length; i++) {
                dt[i] -= g[i] * x[i];
            }
        }
    }
}
