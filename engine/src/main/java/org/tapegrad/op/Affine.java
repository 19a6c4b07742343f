package org.tapegrad.op;

import org.ojalgo.matrix.store.R032Store;
import org.ojalgo.matrix.store.R064Store;

/**
 * {@code y = Σ_k x_k·W_k + b} in one op (inputs {@code x₁, W₁, …, x_n, W_n, b}, b a {@code 1×N} row);
 * {@code x̄_k += ȳ·W_kᵀ, W̄_k += x_kᵀ·ȳ, b̄ += Σ_rows ȳ};
 * {@code ẏ = Σ_k (ẋ_k·W_k + x_k·Ẇ_k) + ḃ}.
 *
 * <p>A primitive because it is measurably cheaper than its composition, the pre-activation of every recurrent cell
 * ({@code x·W_x + h·W_h + b}): the products accumulate straight into the output and the bias is added in the same
 * pass, so a step records one op and one {@code B×N} buffer instead of four of each, and backward needs no
 * intermediate gradients.
 */
public final class Affine implements Op<Void> {

    private final int pairs;

    /** An affine map over {@code pairs} (x, W) pairs and a bias. */
    public Affine(int pairs) {
        if (pairs < 1) {
            throw new IllegalArgumentException("affine: needs at least one (x, W) pair, got " + pairs);
        }
        this.pairs = pairs;
    }

    @Override
    public String name() {
        return "affine";
    }

    @Override
    public Shape outputShape(Shape... in) {
        if (in.length != 2 * pairs + 1) {
            throw new ShapeException(name() + ": expected " + (2 * pairs + 1) + " inputs (x, W pairs and a bias), got " + in.length);
        }
        int rows = in[0].rows();
        int cols = in[1].cols();
        for (int k = 0; k < pairs; k++) {
            Shape x = in[2 * k];
            Shape w = in[2 * k + 1];
            if (x.cols() != w.rows()) {
                throw new ShapeException(name() + ": " + x + "·" + w + ": inner dimensions " + x.cols() + " ≠ " + w.rows());
            }
            if (x.rows() != rows || w.cols() != cols) {
                throw ShapeException.of(name(), "every product must be " + rows + "×" + cols, in);
            }
        }
        Shape b = in[2 * pairs];
        if (b.rows() != 1 || b.cols() != cols) {
            throw ShapeException.of(name(), "the bias must be 1×" + cols, in);
        }
        return new Shape(rows, cols);
    }

    @Override
    public Void forward(OpContext ctx) {
        if (ctx.dtype() == DType.F32) {
            forward32(ctx);
            return null;
        }
        R064Store y = ctx.output();
        for (int k = 0; k < pairs; k++) {
            Products.multiply(ctx.kernels(), ctx.input(2 * k), false, ctx.input(2 * k + 1), false, y, k > 0);
        }
        double[] b = ctx.input(2 * pairs).data;
        double[] out = y.data;
        int m = y.getRowDim();
        for (int j = 0; j < b.length; j++) {
            double bj = b[j];
            int o = j * m;
            for (int i = 0; i < m; i++) {
                out[o + i] += bj;
            }
        }
        return null;
    }

    @Override
    public void backward(OpContext ctx, Void saved) {
        if (ctx.dtype() == DType.F32) {
            backward32(ctx);
            return;
        }
        R064Store g = ctx.outputGrad();
        for (int k = 0; k < pairs; k++) {
            if (ctx.needsGrad(2 * k)) {
                Products.multiply(ctx.kernels(), g, false, ctx.input(2 * k + 1), true, ctx.inputGrad(2 * k), true);
            }
            if (ctx.needsGrad(2 * k + 1)) {
                Products.multiply(ctx.kernels(), ctx.input(2 * k), true, g, false, ctx.inputGrad(2 * k + 1), true);
            }
        }
        if (ctx.needsGrad(2 * pairs)) {
            double[] db = ctx.inputGrad(2 * pairs).data;
            double[] gd = g.data;
            int m = g.getRowDim();
            for (int j = 0; j < db.length; j++) {
                double s = 0;
                int o = j * m;
                for (int i = 0; i < m; i++) {
                    s += gd[o + i];
                }
                db[j] += s;
            }
        }
    }

    private void forward32(OpContext ctx) {
        R032Store y = ctx.output32();
        for (int k = 0; k < pairs; k++) {
            Products.multiply(ctx.kernels(), ctx.input32(2 * k), false, ctx.input32(2 * k + 1), false, y, k > 0);
        }
        float[] b = ctx.input32(2 * pairs).data;
        float[] out = y.data;
        int m = y.getRowDim();
        for (int j = 0; j < b.length; j++) {
            float bj = b[j];
            int o = j * m;
            for (int i = 0; i < m; i++) {
                out[o + i] += bj;
            }
        }
    }

    private void backward32(OpContext ctx) {
        R032Store g = ctx.outputGrad32();
        for (int k = 0; k < pairs; k++) {
            if (ctx.needsGrad(2 * k)) {
                Products.multiply(ctx.kernels(), g, false, ctx.input32(2 * k + 1), true, ctx.inputGrad32(2 * k), true);
            }
            if (ctx.needsGrad(2 * k + 1)) {
                Products.multiply(ctx.kernels(), ctx.input32(2 * k), true, g, false, ctx.inputGrad32(2 * k + 1), true);
            }
        }
        if (ctx.needsGrad(2 * pairs)) {
            float[] db = ctx.inputGrad32(2 * pairs).data;
            float[] gd = g.data;
            int m = g.getRowDim();
            for (int j = 0; j < db.length; j++) {
                double s = 0;   // the bias gradient sums over the batch: in double
                int o = j * m;
                for (int i = 0; i < m; i++) {
                    s += gd[o + i];
                }
                db[j] += (float) s;
            }
        }
    }

    /** The product rule's non-zero pairs as one affine op again (a zero bias tangent when the bias has none). */
    @Override
    public <V> V tangent(TangentContext<V> ctx) {
        java.util.List<V> terms = new java.util.ArrayList<>(4 * pairs + 1);
        for (int k = 0; k < pairs; k++) {
            V dx = ctx.tangent(2 * k);
            V dw = ctx.tangent(2 * k + 1);
            if (dx != null) {
                terms.add(dx);
                terms.add(ctx.input(2 * k + 1));
            }
            if (dw != null) {
                terms.add(ctx.input(2 * k));
                terms.add(dw);
            }
        }
        V db = ctx.tangent(2 * pairs);
        if (terms.isEmpty()) {
            return db == null ? null : TangentTerms.broadcastTo(ctx, db, ctx.shape(ctx.output()));
        }
        terms.add(db != null ? db : ctx.zeros(ctx.shape(ctx.input(2 * pairs))));
        @SuppressWarnings("unchecked")
        V[] inputs = terms.toArray((V[]) new Object[0]);
        return ctx.apply(new Affine(terms.size() / 2), inputs);
    }
}
