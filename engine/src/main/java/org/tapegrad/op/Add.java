package org.tapegrad.op;

import org.ojalgo.matrix.store.R064Store;
import org.tapegrad.tape.Op;
import org.tapegrad.tape.OpContext;
import org.tapegrad.tape.Shape;

/** {@code y = a + b} (b broadcast); {@code ā += ȳ, b̄ += Σ_broadcast ȳ}. */
public final class Add implements Op {

    public static final Add INSTANCE = new Add();

    private Add() {
    }

    @Override
    public String name() {
        return "add";
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
        int n = a.getColDim();
        Broadcast kind = Broadcast.of(name(), shape(a), shape(b));
        ctx.save(kind);
        for (int j = 0; j < n; j++) {
            int o = j * m;
            if (kind == Broadcast.ROW || kind == Broadcast.SCALAR) {
                double bj = b.data[kind == Broadcast.ROW ? j : 0];
                for (int i = 0; i < m; i++) {
                    y[o + i] = a.data[o + i] + bj;
                }
            } else {
                int bo = kind == Broadcast.SAME ? o : 0;
                for (int i = 0; i < m; i++) {
                    y[o + i] = a.data[o + i] + b.data[bo + i];
                }
            }
        }
    }

    @Override
    public void backward(OpContext ctx) {
        double[] g = ctx.outputGrad().data;
        R064Store a = ctx.input(0);
        if (ctx.needsGrad(0)) {
            Kernels.addInto(g, ctx.inputGrad(0).data, 1.0);
        }
        if (ctx.needsGrad(1)) {
            ((Broadcast) ctx.saved()).accumulateReduced(g, a.getRowDim(), a.getColDim(), ctx.inputGrad(1).data);
        }
    }

    static Shape shape(R064Store s) {
        return new Shape(s.getRowDim(), s.getColDim());
    }
}
