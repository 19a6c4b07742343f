package org.tapegrad.op;

/** {@code y = a / b} (b broadcast); {@code ā += ȳ / b, b̄ −= Σ_broadcast ȳ ⊙ y / b};
 * {@code ẏ = (ȧ − y ⊙ ḃ) / b}. */
public final class Divide extends BroadcastBinary {

    public static final Divide INSTANCE = new Divide();

    private Divide() {
        super("div");
    }

    @Override
    void compute(double[] a, double[] b, double[] y, int m, int j0, int j1, Broadcast kind) {
        for (int j = j0; j < j1; j++) {
            int o = j * m;
            for (int i = 0; i < m; i++) {
                y[o + i] = a[o + i] / b[kind.index(i, j, m)];
            }
        }
    }

    @Override
    public void backward(OpContext ctx, Broadcast kind) {
        if (ctx.dtype() == DType.F32) {
            backward32(ctx, kind);
            return;
        }
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
    void compute(float[] a, float[] b, float[] y, int m, int j0, int j1, Broadcast kind) {
        for (int j = j0; j < j1; j++) {
            int o = j * m;
            for (int i = 0; i < m; i++) {
                y[o + i] = a[o + i] / b[kind.index(i, j, m)];
            }
        }
    }

    private static void backward32(OpContext ctx, Broadcast kind) {
        float[] b = ctx.input32(1).data;
        float[] y = ctx.output32().data;
        float[] g = ctx.outputGrad32().data;
        int m = ctx.input32(0).getRowDim();
        int n = ctx.input32(0).getColDim();
        float[] da = ctx.needsGrad(0) ? ctx.inputGrad32(0).data : null;
        double[] db = null;   // b̄ is a reduction over the broadcast: summed in double
        if (ctx.needsGrad(1)) {
            db = ctx.scratch(ctx.input32(1).getRowDim(), ctx.input32(1).getColDim()).data;
            java.util.Arrays.fill(db, 0.0);
        }
        for (int j = 0; j < n; j++) {
            int o = j * m;
            for (int i = 0; i < m; i++) {
                int bi = kind.index(i, j, m);
                float gOverB = g[o + i] / b[bi];
                if (da != null) {
                    da[o + i] += gOverB;
                }
                if (db != null) {
                    db[bi] -= (double) gOverB * y[o + i];
                }
            }
        }
        if (db != null) {
            float[] target = ctx.inputGrad32(1).data;
            for (int i = 0; i < db.length; i++) {
                target[i] += (float) db[i];
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
