package org.tapegrad.op;


/** {@code y = [x₀ | x₁ | …]} side by side; {@code x̄ₖ += ȳ[:, columns of xₖ]}; {@code ẏ = [ẋ₀ | ẋ₁ | …]}. */
public final class ColumnConcat implements Op<Void> {

    public static final ColumnConcat INSTANCE = new ColumnConcat();

    private ColumnConcat() {
    }

    @Override
    public String name() {
        return "concat_columns";
    }

    @Override
    public Shape outputShape(Shape... in) {
        if (in.length == 0) {
            throw new ShapeException(name() + ": needs at least one input");
        }
        int cols = 0;
        for (Shape s : in) {
            if (s.rows() != in[0].rows()) {
                throw ShapeException.of(name(), "all inputs must have " + in[0].rows() + " rows", in);
            }
            cols += s.cols();
        }
        return new Shape(in[0].rows(), cols);
    }

    @Override
    public Void forward(OpContext ctx) {
        int offset = 0;
        Object y = Stores.output(ctx);
        for (int k = 0; k < ctx.arity(); k++) {
            Object x = Stores.input(ctx, k);
            int len = Stores.length(x);
            System.arraycopy(x, 0, y, offset, len);
            offset += len;
        }
        return null;
    }

    @Override
    public void backward(OpContext ctx, Void saved) {
        int offset = 0;
        Object g = Stores.outputGrad(ctx);
        for (int k = 0; k < ctx.arity(); k++) {
            int len = Stores.length(Stores.input(ctx, k));
            if (ctx.needsGrad(k)) {
                Stores.addRange(g, offset, Stores.inputGrad(ctx, k), 0, len);
            }
            offset += len;
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
