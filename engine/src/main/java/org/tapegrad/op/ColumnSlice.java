package org.tapegrad.op;


/**
 * {@code y = x[:, from:to]}; {@code x̄[:, from:to] += ȳ}; {@code ẏ = ẋ[:, from:to]}. Columns are contiguous in column-major storage, so both
 * directions are one array copy or one loop: this is how a cell splits a fused gate matrix.
 */
public final class ColumnSlice implements Op<Void> {

    private final int from;
    private final int to;
    private final String name;

    public ColumnSlice(int from, int to) {
        this.from = from;
        this.to = to;
        this.name = "columns[" + from + ":" + to + "]";   // built once: shape checks name the op on every recording
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Shape outputShape(Shape... in) {
        Arity.require(name(), 1, in);
        if (from < 0 || to > in[0].cols() || from >= to) {
            throw ShapeException.of(name(), "expected 0 ≤ from < to ≤ " + in[0].cols(), in[0]);
        }
        return new Shape(in[0].rows(), to - from);
    }

    @Override
    public Void forward(OpContext ctx) {
        if (ctx.dtype() == DType.F32) {
            int m = ctx.input32(0).getRowDim();
            System.arraycopy(ctx.input32(0).data, from * m, ctx.output32().data, 0, (to - from) * m);
            return null;
        }
        int m = ctx.input(0).getRowDim();
        System.arraycopy(ctx.input(0).data, from * m, ctx.output().data, 0, (to - from) * m);
        return null;
    }

    @Override
    public void backward(OpContext ctx, Void saved) {
        if (ctx.needsGrad(0) && ctx.dtype() == DType.F32) {
            float[] g = ctx.outputGrad32().data;
            Stores.addRange(g, 0, ctx.inputGrad32(0).data, from * ctx.input32(0).getRowDim(), g.length);
        } else if (ctx.needsGrad(0)) {
            int m = ctx.input(0).getRowDim();
            double[] g = ctx.outputGrad().data;
            double[] dx = ctx.inputGrad(0).data;
            int o = from * m;
            for (int i = 0; i < g.length; i++) {
                dx[o + i] += g[i];
            }
        }
    }

    /** Linear: the same op on the tangent. */
    @Override
    public <V> V tangent(TangentContext<V> ctx) {
        V dx = ctx.tangent(0);
        return dx == null ? null : ctx.apply(this, dx);
    }
}
