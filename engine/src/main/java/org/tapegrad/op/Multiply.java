package org.tapegrad.op;

import org.tapegrad.kernel.SplitWork;

/** {@code y = a ⊙ b} (b broadcast); {@code ā += ȳ ⊙ b, b̄ += Σ_broadcast ȳ ⊙ a};
 * {@code ẏ = ȧ ⊙ b + a ⊙ ḃ}. */
public final class Multiply extends BroadcastBinary {

    public static final Multiply INSTANCE = new Multiply();

    private Multiply() {
        super("mul");
    }

    @Override
    void compute(double[] a, double[] b, double[] y, int m, int j0, int j1, Broadcast kind) {
        if (kind == Broadcast.SAME) {
            for (int i = j0 * m; i < j1 * m; i++) {
                y[i] = a[i] * b[i];
            }
            return;
        }
        for (int j = j0; j < j1; j++) {
            int o = j * m;
            for (int i = 0; i < m; i++) {
                y[o + i] = a[o + i] * b[kind.index(i, j, m)];
            }
        }
    }

    @Override
    public void backward(OpContext ctx, Broadcast kind) {
        if (ctx.dtype() == DType.F32) {
            backward32(ctx, kind);
            return;
        }
        double[] a = ctx.input(0).data;
        double[] b = ctx.input(1).data;
        double[] g = ctx.outputGrad().data;
        int m = ctx.input(0).getRowDim();
        int n = ctx.input(0).getColDim();
        if (kind == Broadcast.SAME) {
            double[] da = ctx.needsGrad(0) ? ctx.inputGrad(0).data : null;   // made on this thread, before the split
            double[] db = ctx.needsGrad(1) ? ctx.inputGrad(1).data : null;
            SplitWork.elements(ctx.kernels().gemm().threads(), g.length, 2 * SplitWork.ARITHMETIC, (from, to) -> {
                if (da != null) {
                    for (int i = from; i < to; i++) {
                        da[i] += g[i] * b[i];
                    }
                }
                if (db != null) {
                    for (int i = from; i < to; i++) {
                        db[i] += g[i] * a[i];
                    }
                }
            });
            return;
        }
        if (ctx.needsGrad(0)) {
            double[] da = ctx.inputGrad(0).data;
            if (kind == Broadcast.SAME) {
                for (int i = 0; i < g.length; i++) {
                    da[i] += g[i] * b[i];
                }
            } else {
                for (int j = 0; j < n; j++) {
                    int o = j * m;
                    for (int i = 0; i < m; i++) {
                        da[o + i] += g[o + i] * b[kind.index(i, j, m)];
                    }
                }
            }
        }
        if (ctx.needsGrad(1)) {
            double[] db = ctx.inputGrad(1).data;
            if (kind == Broadcast.SAME) {
                for (int i = 0; i < g.length; i++) {
                    db[i] += g[i] * a[i];
                }
                return;
            }
            for (int j = 0; j < n; j++) {
                int o = j * m;
                for (int i = 0; i < m; i++) {
                    db[kind.index(i, j, m)] += g[o + i] * a[o + i];
                }
            }
        }
    }

    @Override
    void compute(float[] a, float[] b, float[] y, int m, int j0, int j1, Broadcast kind) {
        if (kind == Broadcast.SAME) {
            for (int i = j0 * m; i < j1 * m; i++) {
                y[i] = a[i] * b[i];
            }
            return;
        }
        for (int j = j0; j < j1; j++) {
            int o = j * m;
            for (int i = 0; i < m; i++) {
                y[o + i] = a[o + i] * b[kind.index(i, j, m)];
            }
        }
    }

    private static void backward32(OpContext ctx, Broadcast kind) {
        float[] a = ctx.input32(0).data;
        float[] b = ctx.input32(1).data;
        float[] g = ctx.outputGrad32().data;
        int m = ctx.input32(0).getRowDim();
        int n = ctx.input32(0).getColDim();
        if (kind == Broadcast.SAME) {
            float[] da = ctx.needsGrad(0) ? ctx.inputGrad32(0).data : null;   // made on this thread, before the split
            float[] db = ctx.needsGrad(1) ? ctx.inputGrad32(1).data : null;
            SplitWork.elements(ctx.kernels().gemm().threads(), g.length, 2 * SplitWork.ARITHMETIC, (from, to) -> {
                if (da != null) {
                    for (int i = from; i < to; i++) {
                        da[i] += g[i] * b[i];
                    }
                }
                if (db != null) {
                    for (int i = from; i < to; i++) {
                        db[i] += g[i] * a[i];
                    }
                }
            });
            return;
        }
        if (ctx.needsGrad(0)) {
            float[] da = ctx.inputGrad32(0).data;
            if (kind == Broadcast.SAME) {
                for (int i = 0; i < g.length; i++) {
                    da[i] += g[i] * b[i];
                }
            } else {
                for (int j = 0; j < n; j++) {
                    int o = j * m;
                    for (int i = 0; i < m; i++) {
                        da[o + i] += g[o + i] * b[kind.index(i, j, m)];
                    }
                }
            }
        }
        if (ctx.needsGrad(1)) {
            float[] db = ctx.inputGrad32(1).data;
            if (kind == Broadcast.SAME) {
                for (int i = 0; i < g.length; i++) {
                    db[i] += g[i] * a[i];
                }
                return;
            }
            // b̄ is a reduction over the broadcast: summed in double, added once.
            double[] sums = ctx.scratch(ctx.input32(1).getRowDim(), ctx.input32(1).getColDim()).data;
            java.util.Arrays.fill(sums, 0.0);
            for (int j = 0; j < n; j++) {
                int o = j * m;
                for (int i = 0; i < m; i++) {
                    sums[kind.index(i, j, m)] += (double) g[o + i] * a[o + i];
                }
            }
            for (int i = 0; i < db.length; i++) {
                db[i] += (float) sums[i];
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
        V fromA = da == null ? null : TangentTerms.times(ctx, da, ctx.input(1));
        V fromB = db == null ? null : TangentTerms.times(ctx, ctx.input(0), db);
        return TangentTerms.plus(ctx, fromA, fromB, ctx.shape(ctx.output()));
    }
}
