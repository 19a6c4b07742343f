package org.tapegrad.op;

import org.tapegrad.tape.Op;
import org.tapegrad.tape.OpContext;
import org.tapegrad.tape.Shape;

/** {@code y = ln x} (x &gt; 0; NaN or −∞ otherwise, caught by anomaly mode); {@code x̄ += ȳ / x}. */
public final class Log implements Op {

    public static final Log INSTANCE = new Log();

    private Log() {
    }

    @Override
    public String name() {
        return "log";
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
            y[i] = Math.log(x[i]);
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
            dx[i] += g[i] / x[i];
        }
    }
}
