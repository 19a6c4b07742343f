package org.tapegrad.op;

import org.tapegrad.kernel.SplitWork;


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

    /** First column taken. */
    public int from() {
        return from;
    }

    /** One past the last column taken. */
    public int to() {
        return to;
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
        int threads = ctx.kernels().gemm().threads();
        if (ctx.dtype() == DType.F32) {
            int m = ctx.input32(0).getRowDim();
            float[] x = ctx.input32(0).data;
            float[] y = ctx.output32().data;
            int o = from * m;
            SplitWork.elements(threads, y.length, SplitWork.ARITHMETIC, (i0, i1) -> System.arraycopy(x, o + i0, y, i0, i1 - i0));
            return null;
        }
        int m = ctx.input(0).getRowDim();
        double[] x = ctx.input(0).data;
        double[] y = ctx.output().data;
        int o = from * m;
        SplitWork.elements(threads, y.length, SplitWork.ARITHMETIC, (i0, i1) -> System.arraycopy(x, o + i0, y, i0, i1 - i0));
        return null;
    }

    @Override
    public void backward(OpContext ctx, Void saved) {
        if (!ctx.needsGrad(0)) {
            return;
        }
        int threads = ctx.kernels().gemm().threads();
        if (ctx.dtype() == DType.F32) {
            float[] g = ctx.outputGrad32().data;
            float[] dx = ctx.inputGrad32(0).data;
            int o = from * ctx.input32(0).getRowDim();
            SplitWork.elements(threads, g.length, SplitWork.ARITHMETIC, (i0, i1) -> Stores.addRange(g, i0, dx, o + i0, i1 - i0));
            return;
        }
        double[] g = ctx.outputGrad().data;
        double[] dx = ctx.inputGrad(0).data;
        int o = from * ctx.input(0).getRowDim();
        SplitWork.elements(threads, g.length, SplitWork.ARITHMETIC, (i0, i1) -> Stores.addRange(g, i0, dx, o + i0, i1 - i0));
    }

    /** Linear: the same op on the tangent. */
    @Override
    public <V> V tangent(TangentContext<V> ctx) {
        V dx = ctx.tangent(0);
        return dx == null ? null : ctx.apply(this, dx);
    }
}
