package org.tapegrad.op;

import org.ojalgo.matrix.store.R032Store;
import org.ojalgo.matrix.store.R064Store;

/**
 * {@code Y = op(A)·op(B)} with {@code op} the identity or the transpose; for the plain form
 * {@code Ā += Ȳ·Bᵀ, B̄ += Aᵀ·Ȳ}; {@code Ẏ = op(Ȧ)·op(B) + op(A)·op(Ḃ)}. Both VJPs accumulate straight into the gradient buffers through the tape's GEMM kernel, so a
 * weight used at every time step needs no temporaries.
 */
public final class MatMul implements Op<Void> {

    /** {@code A·B}. */
    public static final MatMul PLAIN = new MatMul(false, false);
    /** {@code A·Bᵀ}. */
    public static final MatMul RIGHT_TRANSPOSED = new MatMul(false, true);
    /** {@code Aᵀ·B}. */
    public static final MatMul LEFT_TRANSPOSED = new MatMul(true, false);

    private final boolean transA;
    private final boolean transB;

    private MatMul(boolean transA, boolean transB) {
        this.transA = transA;
        this.transB = transB;
    }

    @Override
    public String name() {
        return transA ? "matmul(Aᵀ·B)" : transB ? "matmul(A·Bᵀ)" : "matmul";
    }

    @Override
    public Shape outputShape(Shape... in) {
        Arity.require(name(), 2, in);
        int m = transA ? in[0].cols() : in[0].rows();
        int k = transA ? in[0].rows() : in[0].cols();
        int kb = transB ? in[1].cols() : in[1].rows();
        int n = transB ? in[1].rows() : in[1].cols();
        if (k != kb) {
            throw new ShapeException(name() + ": " + in[0] + "·" + in[1] + ": inner dimensions " + k + " ≠ " + kb);
        }
        return new Shape(m, n);
    }

    @Override
    public Void forward(OpContext ctx) {
        if (ctx.dtype() == DType.F32) {
            Products.multiply(ctx.kernels(), ctx.input32(0), transA, ctx.input32(1), transB, ctx.output32(), false);
            return null;
        }
        Products.multiply(ctx.kernels(), ctx.input(0), transA, ctx.input(1), transB, ctx.output(), false);
        return null;
    }

    @Override
    public void backward(OpContext ctx, Void saved) {
        if (ctx.dtype() == DType.F32) {
            backward32(ctx);
            return;
        }
        R064Store a = ctx.input(0);
        R064Store b = ctx.input(1);
        R064Store g = ctx.outputGrad();
        if (ctx.needsGrad(0)) {
            // A·B: Ā = Ȳ·Bᵀ;  A·Bᵀ: Ā = Ȳ·B;  Aᵀ·B: Ā = B·Ȳᵀ
            if (transA) {
                Products.multiply(ctx.kernels(), b, false, g, true, ctx.inputGrad(0), true);
            } else {
                Products.multiply(ctx.kernels(), g, false, b, !transB, ctx.inputGrad(0), true);
            }
        }
        if (ctx.needsGrad(1)) {
            // A·B: B̄ = Aᵀ·Ȳ;  A·Bᵀ: B̄ = Ȳᵀ·A;  Aᵀ·B: B̄ = A·Ȳ
            if (transB) {
                Products.multiply(ctx.kernels(), g, true, a, false, ctx.inputGrad(1), true);
            } else {
                Products.multiply(ctx.kernels(), a, !transA, g, false, ctx.inputGrad(1), true);
            }
        }
    }

    /** The same VJPs on a float32 tape. */
    private void backward32(OpContext ctx) {
        R032Store a = ctx.input32(0);
        R032Store b = ctx.input32(1);
        R032Store g = ctx.outputGrad32();
        if (ctx.needsGrad(0)) {
            if (transA) {
                Products.multiply(ctx.kernels(), b, false, g, true, ctx.inputGrad32(0), true);
            } else {
                Products.multiply(ctx.kernels(), g, false, b, !transB, ctx.inputGrad32(0), true);
            }
        }
        if (ctx.needsGrad(1)) {
            if (transB) {
                Products.multiply(ctx.kernels(), g, true, a, false, ctx.inputGrad32(1), true);
            } else {
                Products.multiply(ctx.kernels(), a, !transA, g, false, ctx.inputGrad32(1), true);
            }
        }
    }

    @Override
    public <V> V tangent(TangentContext<V> ctx) {
        V da = ctx.tangent(0);
        V db = ctx.tangent(1);
        V fromA = da == null ? null : ctx.apply(this, da, ctx.input(1));
        V fromB = db == null ? null : ctx.apply(this, ctx.input(0), db);
        return TangentTerms.plus(ctx, fromA, fromB, ctx.shape(ctx.output()));
    }
}
