package org.tapegrad.op;


/**
 * {@code y[i, :] = softmax(x[i, :])} with max subtraction; {@code x̄ += y ⊙ (ȳ − Σ_j ȳ_ij y_ij)} per row;
 * {@code ẏ = y ⊙ (ẋ − Σ_j y_ij ẋ_ij)}. For a
 * loss on classes prefer {@link SoftmaxCrossEntropy}, which never forms {@code log y}.
 */
public final class Softmax implements Op<Void> {

    public static final Softmax INSTANCE = new Softmax();

    private Softmax() {
    }

    @Override
    public String name() {
        return "softmax";
    }

    @Override
    public Shape outputShape(Shape... in) {
        Arity.require(name(), 1, in);
        return in[0];
    }

    @Override
    public Void forward(OpContext ctx) {
        if (ctx.dtype() == DType.F32) {
            int m = ctx.input32(0).getRowDim();
            RowSoftmax.compute(ctx.input32(0).data, m, ctx.input32(0).getColDim(), ctx.output32().data, ctx.scratch(m, 1).data, ctx.scratch(m, 1).data);
            return null;
        }
        int m = ctx.input(0).getRowDim();
        RowSoftmax.compute(ctx.input(0).data, m, ctx.input(0).getColDim(), ctx.output().data, ctx.scratch(m, 1).data, ctx.scratch(m, 1).data);
        return null;
    }

    @Override
    public void backward(OpContext ctx, Void saved) {
        if (!ctx.needsGrad(0)) {
            return;
        }
        if (ctx.dtype() == DType.F32) {
            backward32(ctx);
            return;
        }
        double[] y = ctx.output().data;
        double[] g = ctx.outputGrad().data;
        double[] dx = ctx.inputGrad(0).data;
        int m = ctx.input(0).getRowDim();
        int n = ctx.input(0).getColDim();
        double[] dot = ctx.scratch(m, 1).data;
        java.util.Arrays.fill(dot, 0.0);
        for (int j = 0; j < n; j++) {
            int o = j * m;
            for (int i = 0; i < m; i++) {
                dot[i] += g[o + i] * y[o + i];
            }
        }
        for (int j = 0; j < n; j++) {
            int o = j * m;
            for (int i = 0; i < m; i++) {
                dx[o + i] += y[o + i] * (g[o + i] - dot[i]);
            }
        }
    }

    /** Float32: the per-row dot products accumulate in double. */
    private static void backward32(OpContext ctx) {
        float[] y = ctx.output32().data;
        float[] g = ctx.outputGrad32().data;
        float[] dx = ctx.inputGrad32(0).data;
        int m = ctx.input32(0).getRowDim();
        int n = ctx.input32(0).getColDim();
        double[] dot = ctx.scratch(m, 1).data;
        java.util.Arrays.fill(dot, 0.0);
        for (int j = 0; j < n; j++) {
            int o = j * m;
            for (int i = 0; i < m; i++) {
                dot[i] += (double) g[o + i] * y[o + i];
            }
        }
        for (int j = 0; j < n; j++) {
            int o = j * m;
            for (int i = 0; i < m; i++) {
                dx[o + i] += (float) (y[o + i] * (g[o + i] - dot[i]));
            }
        }
    }

    @Override
    public <V> V tangent(TangentContext<V> ctx) {
        V dx = ctx.tangent(0);
        if (dx == null) {
            return null;
        }
        V y = ctx.output();
        V centred = ctx.apply(Subtract.INSTANCE, dx, ctx.apply(Sum.PER_ROW, TangentTerms.times(ctx, y, dx)));
        return TangentTerms.times(ctx, y, centred);
    }
}
