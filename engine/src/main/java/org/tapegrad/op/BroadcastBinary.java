package org.tapegrad.op;

import org.tapegrad.kernel.SplitWork;

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
            float[] ad = a.data;
            float[] bd = b.data;
            float[] y = ctx.output32().data;
            int m = a.getRowDim();
            SplitWork.columns(ctx.kernels().gemm().threads(), m, a.getColDim(), SplitWork.ARITHMETIC, (j0, j1) -> compute(ad, bd, y, m, j0, j1, kind));
            return kind;
        }
        R064Store a = ctx.input(0);
        R064Store b = ctx.input(1);
        Broadcast kind = Broadcast.of(name, new Shape(a.getRowDim(), a.getColDim()), new Shape(b.getRowDim(), b.getColDim()));
        double[] ad = a.data;
        double[] bd = b.data;
        double[] y = ctx.output().data;
        int m = a.getRowDim();
        SplitWork.columns(ctx.kernels().gemm().threads(), m, a.getColDim(), SplitWork.ARITHMETIC, (j0, j1) -> compute(ad, bd, y, m, j0, j1, kind));
        return kind;
    }


    /** {@code y(i, j) = a(i, j) ∘ b(kind.index(i, j))} for the columns {@code [j0, j1)} of the {@code m×n} first operand. */
    abstract void compute(double[] a, double[] b, double[] y, int m, int j0, int j1, Broadcast kind);

    /** The float32 form of {@link #compute(double[], double[], double[], int, int, int, Broadcast)}. */
    abstract void compute(float[] a, float[] b, float[] y, int m, int j0, int j1, Broadcast kind);
}
