package org.tapegrad.op;

import org.ojalgo.matrix.store.R032Store;
import org.ojalgo.matrix.store.R064Store;

/**
 * An element-wise op {@code y = a ∘ b} whose second operand may be broadcast over the first ({@link Broadcast}):
 * the shape rule and the broadcast kind, saved for backward, live here; the loops, one per element type, in the final subclass.
 */
abstract class BroadcastBinary implements Op<Broadcast> {

    private final String name;

    BroadcastBinary(String name) {
        this.name = name;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final Shape outputShape(Shape... in) {
        Arity.require(name, 2, in);
        Broadcast.of(name, in[0], in[1]);
        return in[0];
    }

    @Override
    public final Broadcast forward(OpContext ctx) {
        if (ctx.dtype() == DType.F32) {
            R032Store a = ctx.input32(0);
            R032Store b = ctx.input32(1);
            Broadcast kind = Broadcast.of(name, new Shape(a.getRowDim(), a.getColDim()), new Shape(b.getRowDim(), b.getColDim()));
            compute(a.data, b.data, ctx.output32().data, a.getRowDim(), a.getColDim(), kind);
            return kind;
        }
        R064Store a = ctx.input(0);
        R064Store b = ctx.input(1);
        Broadcast kind = Broadcast.of(name, new Shape(a.getRowDim(), a.getColDim()), new Shape(b.getRowDim(), b.getColDim()));
        compute(a.data, b.data, ctx.output().data, a.getRowDim(), a.getColDim(), kind);
        return kind;
    }

    /** {@code y(i, j) = a(i, j) ∘ b(kind.index(i, j))} over the {@code m×n} first operand. */
    abstract void compute(double[] a, double[] b, double[] y, int m, int n, Broadcast kind);

    /** The float32 form of {@link #compute(double[], double[], double[], int, int, Broadcast)}. */
    abstract void compute(float[] a, float[] b, float[] y, int m, int n, Broadcast kind);
}
