package org.tapegrad.op;

/** {@code y = a / b} (b broadcast); {@code ā += ȳ / b, b̄ −= Σ_broadcast ȳ ⊙ y / b};
 * {@code ẏ = (ȧ − y ⊙ ḃ) / b}. */
public final class Divide extends BroadcastBinary {

    public static final Divide INSTANCE = new Divide();

    private Divide() {
        super("div");
    }

    @Override
    void compute(double[] a, double[] b, double[] y, int m, int n, Broadcast kind) {
        for (int j = 0; j < n; j++) {
            int o = j * m;
            for (int i = 0; i < m; i++) {
                y[o + i] = a[o + i] / b[kind.index(i, j, m)];
            }
        }
    }

    @Override
    public void backward(OpContext ctx, Broadcast kind) {
        double[] b = ctx.input(1).data;
        double[] y = ctx.output().data;
        double[] g = ctx.outputGrad().data;
        int m = ctx.input(0).getRowDim();
        int n = ctx.input(0).getColDim();
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

    @Override
    public <V> V tangent(TangentContext<V> ctx) {
        V da = ctx.tangent(0);
        V db = ctx.tangent(1);
        if (da == null && db == null) {
            return null;
        }
        V yb = db == null ? null : TangentTerms.times(ctx, ctx.output(), db);
        return ctx.apply(INSTANCE, TangentTerms.minus(ctx, da, yb, ctx.shape(ctx.output())), ctx.input(1));
    }
}
