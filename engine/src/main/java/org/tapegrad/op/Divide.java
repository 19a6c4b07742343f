package org.tapegrad.op;

import org.ojalgo.matrix.store.R064Store;
import org.tapegrad.tape.Op;
import org.tapegrad.tape.OpContext;
import org.tapegrad.tape.Shape;

/** {@code y = a / b} (b broadcast); {@code ā += ȳ / b, b̄ −= Σ_broadcast ȳ ⊙ y / b}. */
public final class Divide implements Op {

    public static final Divide INSTANCE = new Divide();

    private Divide() {
    }

    @Override
    public String name() {
        return "div";
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
                y[o + i] = a.data[o + i] / b.data[kind.index(i, j, m)];
            }
        }
    }

    @Override
    public void backward(OpContext ctx) {
        R064Store a = ctx.input(0);
        double[] b = ctx.input(1).data;
        double[] y = ctx.output().data;
        double[] g = ctx.outputGrad().data;
        int m = a.getRowDim();
        int n = a.getColDim();
        Broadcast kind = (Broadcast) ctx.saved();
        double[] da = ctx.needsGrad(0) ? ctx.inputGrad(0).data : null;
        double[] db = ctx.needsGrad(1) ? ctx.inputGrad(1).data : null;
        for (int j = 0; j < n; j++) {
            int o = j * m;
            for (int i = 0; i < m; i++) {
                int bi = kind.index(i, j, m);
                double gOverB = g[o + i] / b[bi];
                if (da != null) {
                    da[o + i] += gOverB;
                }
                if (db != null) {
                    db[bi] -= gOverB * y[o + i];
                }
            }
        }
    }
}
