package org.tapegrad.op;

import org.ojalgo.matrix.store.R064Store;
import org.tapegrad.tape.Op;
import org.tapegrad.tape.OpContext;
import org.tapegrad.tape.Shape;

/** {@code y = a − b} (b broadcast); {@code ā += ȳ, b̄ −= Σ_broadcast ȳ}. */
public final class Subtract implements Op {

    public static final Subtract INSTANCE = new Subtract();

    private Subtract() {
    }

    @Override
    public String name() {
        return "sub";
    }

    @Override
    public Shape outputShape(Shape... in) {
        Broadcast.of(name(), in[0], in[1]);
        return in[0];
    }

    @Override
    public void forward(OpContext ctx) {
        R064Store a = ctx.input(0);
        R064Store b = ctx.input(1);
        double[] y = ctx.output().data;
        int m = a.getRowDim();
        Broadcast kind = Broadcast.of(name(), Add.shape(a), Add.shape(b));
        ctx.save(kind);
        for (int j = 0; j < a.getColDim(); j++) {
            int o = j * m;
            for (int i = 0; i < m; i++) {
                y[o + i] = a.data[o + i] - b.data[kind.index(i, j, m)];
            }
        }
    }

    @Override
    public void backward(OpContext ctx) {
        R064Store a = ctx.input(0);
        double[] g = ctx.outputGrad().data;
        if (ctx.needsGrad(0)) {
            Kernels.addInto(g, ctx.inputGrad(0).data, 1.0);
        }
        if (ctx.needsGrad(1)) {
            R064Store negated = ctx.scratch(a.getRowDim(), a.getColDim());
            for (int i = 0; i < g.length; i++) {
                negated.data[i] = -g[i];
            }
            ((Broadcast) ctx.saved()).accumulateReduced(negated.data, a.getRowDim(), a.getColDim(), ctx.inputGrad(1).data);
        }
    }
}
