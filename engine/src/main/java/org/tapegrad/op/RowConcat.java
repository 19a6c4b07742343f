package org.tapegrad.op;

/** {@code y = [x₀; x₁; …]} stacked top to bottom; {@code x̄ₖ += ȳ[rows of xₖ, :]}; {@code ẏ = [ẋ₀; ẋ₁; …]}. */
public final class RowConcat implements Op<Void> {

    public static final RowConcat INSTANCE = new RowConcat();

    private RowConcat() {
    }

    @Override
    public String name() {
        return "concat_rows";
    }

    @Override
    public Shape outputShape(Shape... in) {
        if (in.length == 0) {
            throw new ShapeException(name() + ": needs at least one input");
        }
        long rows = 0;
        for (Shape s : in) {
            if (s.cols() != in[0].cols()) {
                throw ShapeException.of(name(), "all inputs must have " + in[0].cols() + " columns", in);
            }
            rows += s.rows();
        }
        if (rows * in[0].cols() > Integer.MAX_VALUE) {
            throw ShapeException.of(name(), rows + "×" + in[0].cols() + " does not fit in one value", in);
        }
        return new Shape((int) rows, in[0].cols());
    }

    // Storage is column-major: column j of input k is one run, placed at row offset r_k of the output's column j.
    @Override
    public Void forward(OpContext ctx) {
        double[] y = ctx.output().data;
        int total = ctx.output().getRowDim();
        int cols = ctx.output().getColDim();
        int offset = 0;
        for (int k = 0; k < ctx.arity(); k++) {
            double[] x = ctx.input(k).data;
            int m = ctx.input(k).getRowDim();
            for (int j = 0; j < cols; j++) {
                System.arraycopy(x, j * m, y, j * total + offset, m);
            }
            offset += m;
        }
        return null;
    }

    @Override
    public void backward(OpContext ctx, Void saved) {
        double[] g = ctx.outputGrad().data;
        int total = ctx.output().getRowDim();
        int cols = ctx.output().getColDim();
        int offset = 0;
        for (int k = 0; k < ctx.arity(); k++) {
            int m = ctx.input(k).getRowDim();
            if (ctx.needsGrad(k)) {
                double[] dx = ctx.inputGrad(k).data;
                for (int j = 0; j < cols; j++) {
                    for (int i = 0; i < m; i++) {
                        dx[j * m + i] += g[j * total + offset + i];
                    }
                }
            }
            offset += m;
        }
    }

    /** Linear in every input: the same op on the tangents, zeros standing for the zero ones. */
    @Override
    public <V> V tangent(TangentContext<V> ctx) {
        if (TangentTerms.allNull(ctx)) {
            return null;
        }
        @SuppressWarnings("unchecked")
        V[] tangents = TangentTerms.allOrZeros(ctx, (V[]) new Object[ctx.arity()]);
        return ctx.apply(this, tangents);
    }
}
