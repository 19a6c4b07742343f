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
        Object y = Stores.output(ctx);
        int total = outputRows(ctx);
        int cols = outputCols(ctx);
        int offset = 0;
        for (int k = 0; k < ctx.arity(); k++) {
            Object x = Stores.input(ctx, k);
            int m = Stores.length(x) / cols;
            for (int j = 0; j < cols; j++) {
                System.arraycopy(x, j * m, y, j * total + offset, m);
            }
            offset += m;
        }
        return null;
    }

    private static int outputRows(OpContext ctx) {
        return ctx.dtype() == DType.F32 ? ctx.output32().getRowDim() : ctx.output().getRowDim();
    }

    private static int outputCols(OpContext ctx) {
        return ctx.dtype() == DType.F32 ? ctx.output32().getColDim() : ctx.output().getColDim();
    }

    @Override
    public void backward(OpContext ctx, Void saved) {
        Object g = Stores.outputGrad(ctx);
        int total = outputRows(ctx);
        int cols = outputCols(ctx);
        int offset = 0;
        for (int k = 0; k < ctx.arity(); k++) {
            int m = Stores.length(Stores.input(ctx, k)) / cols;
            if (ctx.needsGrad(k)) {
                Object dx = Stores.inputGrad(ctx, k);
                for (int j = 0; j < cols; j++) {
                    Stores.addRange(g, j * total + offset, dx, j * m, m);
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
