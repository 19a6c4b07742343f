package org.tapegrad.op;

/** {@code y = a + b} (b broadcast); {@code ā += ȳ, b̄ += Σ_broadcast ȳ}; {@code ẏ = ȧ + ḃ}. */
public final class Add extends BroadcastBinary {

    public static final Add INSTANCE = new Add();

    private Add() {
        super("add");
    }

    @Override
    void compute(double[] a, double[] b, double[] y, int m, int j0, int j1, Broadcast kind) {
        for (int j = j0; j < j1; j++) {
            int o = j * m;
            if (kind == Broadcast.ROW || kind == Broadcast.SCALAR) {
                double bj = b[kind == Broadcast.ROW ? j : 0];
                for (int i = 0; i < m; i++) {
                    y[o + i] = a[o + i] + bj;
                }
            } else {
                int bo = kind == Broadcast.SAME ? o : 0;
                for (int i = 0; i < m; i++) {
                    y[o + i] = a[o + i] + b[bo + i];
                }
            }
        }
    }

    @Override
    public void backward(OpContext ctx, Broadcast kind) {
        if (ctx.dtype() == DType.F32) {
            float[] g = ctx.outputGrad32().data;
            if (ctx.needsGrad(0)) {
                Products.addInto(g, ctx.inputGrad32(0).data, 1f);
            }
            if (ctx.needsGrad(1)) {
                kind.accumulateReduced(g, 1f, ctx.input32(0).getRowDim(), ctx.input32(0).getColDim(), ctx.inputGrad32(1).data);
            }
            return;
        }
        double[] g = ctx.outputGrad().data;
        if (ctx.needsGrad(0)) {
            Products.addInto(g, ctx.inputGrad(0).data, 1.0);
        }
        if (ctx.needsGrad(1)) {
            kind.accumulateReduced(g, 1.0, ctx.input(0).getRowDim(), ctx.input(0).getColDim(), ctx.inputGrad(1).data);
        }
    }

    @Override
    void compute(float[] a, float[] b, float[] y, int m, int j0, int j1, Broadcast kind) {
        for (int j = j0; j < j1; j++) {
            int o = j * m;
            if (kind == Broadcast.ROW || kind == Broadcast.SCALAR) {
                float bj = b[kind == Broadcast.ROW ? j : 0];
                for (int i = 0; i < m; i++) {
                    y[o + i] = a[o + i] + bj;
                }
            } else {
                int bo = kind == Broadcast.SAME ? o : 0;
                for (int i = 0; i < m; i++) {
                    y[o + i] = a[o + i] + b[bo + i];
                }
            }
        }
    }

    @Override
    public <V> V tangent(TangentContext<V> ctx) {
        V da = ctx.tangent(0);
        V db = ctx.tangent(1);
        if (da == null && db == null) {
            return null;
        }
        return TangentTerms.plus(ctx, da, db, ctx.shape(ctx.output()));
    }
}
