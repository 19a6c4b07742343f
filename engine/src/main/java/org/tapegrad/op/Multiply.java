package org.tapegrad.op;

import org.ojalgo.matrix.store.R064Store;
import org.tapegrad.tape.Op;
import org.tapegrad.tape.OpContext;
import org.tapegrad.tape.Shape;

/** {@code y = a ⊙ b} (b broadcast); {@code ā += ȳ ⊙ b, b̄ += Σ_broadcast ȳ ⊙ a}. */
public final class Multiply implements Op {

    public static final Multiply INSTANCE = new Multiply();

    private Multiply() {
    }

    @Override
    public String name() {
        return "mul";
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
        if (kind == Broadcast.SAME) {
            for (int i = 0; i < y.length; i++) {
                y[i] = a.data[i] * b.data[i];
            }
            return;
        }
        for (int j = 0; j < a.getColDim(); j++) {
            int o = j * m;
            for (int i = 0; i < m; i++) {
                y[o + i] = a.data[o + i] * b.data[kind.index(i, j, m)];
            }
        }
    }

    @Override
    public void backward(OpContext ctx) {
        R064Store a = ctx.input(0);
        R064Store b = ctx.input(1);
        double[] g = ctx.outputGrad().data;
        int m = a.getRowDim();
        int n = a.getColDim();
        Broadcast kind = (Broadcast) ctx.saved();
        if (ctx.needsGrad(0)) {
            double[] da = ctx.inputGrad(0).data;
            if (kind == Broadcast.SAME) {
                for (int i = 0; i < g.length; i++) {
                    da[i] += g[i] * b.data[i];
                }
            } else {
                for (int j = 0; j < n; j++) {
                    int o = j * m;
                    for (int i = 0; i < m; i++) {
                        da[o + i] += g[o + i] * b.data[kind.index(i, j, m)];
                    }
                }
            }
        }
        if (ctx.needsGrad(1)) {
            double[] db = ctx.inputGrad(1).data;
            if (kind == Broadcast.SAME) {
                for (int i = 0; i < g.length; i++) {
                    db[i] += g[i] * a.data[i];
                }
                return;
            }
            for (int j = 0; j < n; j++) {
                int o = j * m;
                for (int i = 0; i < m; i++) {
                    db[kind.index(i, j, m)] += g[o + i] * a.data[o + i];
                }
            }
        }
    }
}
