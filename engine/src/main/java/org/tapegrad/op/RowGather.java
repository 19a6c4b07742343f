package org.tapegrad.op;


/**
 * {@code y[i, :] = table[idx[i], :]} (an embedding or one-hot lookup); {@code tablē[idx[i], :] += ȳ[i, :]}, so a
 * row picked twice receives both gradients; {@code ẏ[i, :] = ẋ[idx[i], :]}.
 */
public final class RowGather implements Op<Void> {

    private final int[] indices;

    /** @param indices row indices into the table, copied */
    public RowGather(int... indices) {
        this.indices = indices.clone();
    }

    @Override
    public String name() {
        return "gather_rows";
    }

    @Override
    public Shape outputShape(Shape... in) {
        Arity.require(name(), 1, in);
        if (indices.length == 0) {
            throw ShapeException.of(name(), "needs at least one index", in[0]);
        }
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] < 0 || indices[i] >= in[0].rows()) {
                throw ShapeException.of(name(), "index " + indices[i] + " at position " + i + " is outside 0.." + (in[0].rows() - 1), in[0]);
            }
        }
        return new Shape(indices.length, in[0].cols());
    }

    @Override
    public Void forward(OpContext ctx) {
        if (ctx.dtype() == DType.F32) {
            float[] t = ctx.input32(0).data;
            int v = ctx.input32(0).getRowDim();
            int b = indices.length;
            float[] y = ctx.output32().data;
            for (int j = 0; j < ctx.input32(0).getColDim(); j++) {
                for (int i = 0; i < b; i++) {
                    y[i + j * b] = t[indices[i] + j * v];
                }
            }
            return null;
        }
        double[] t = ctx.input(0).data;
        int v = ctx.input(0).getRowDim();
        int b = indices.length;
        double[] y = ctx.output().data;
        for (int j = 0; j < ctx.input(0).getColDim(); j++) {
            for (int i = 0; i < b; i++) {
                y[i + j * b] = t[indices[i] + j * v];
            }
        }
        return null;
    }

    @Override
    public void backward(OpContext ctx, Void saved) {
        if (!ctx.needsGrad(0)) {
            return;
        }
        if (ctx.dtype() == DType.F32) {
            float[] dt = ctx.inputGrad32(0).data;
            float[] g = ctx.outputGrad32().data;
            int v = ctx.input32(0).getRowDim();
            int b = indices.length;
            for (int j = 0; j < ctx.input32(0).getColDim(); j++) {
                for (int i = 0; i < b; i++) {
                    dt[indices[i] + j * v] += g[i + j * b];
                }
            }
            return;
        }
        double[] dt = ctx.inputGrad(0).data;
        double[] g = ctx.outputGrad().data;
        int v = ctx.input(0).getRowDim();
        int b = indices.length;
        for (int j = 0; j < ctx.input(0).getColDim(); j++) {
            for (int i = 0; i < b; i++) {
                dt[indices[i] + j * v] += g[i + j * b];
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
