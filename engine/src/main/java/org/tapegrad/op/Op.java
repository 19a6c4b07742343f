package org.tapegrad.op;

/**
 * A differentiable operation: its forward computation and its vector-Jacobian product (VJP) side by side.
 *
 * <p>This is also the custom-op API: implement it, then record it with {@code tape.apply(op, inputs…)}; it is
 * replayed by every backward pass and checked by {@code GradientCheck} like any built-in op. Contract:
 * <ul>
 *   <li>{@link #outputShape} validates the inputs and throws {@link ShapeException} naming the op and all shapes;
 *   <li>{@link #forward} writes <em>every</em> element of {@link OpContext#output()} (buffers come dirty from a
 *       pool), must not modify its inputs, and returns what backward needs (a mask, a scratch buffer; {@code null}
 *       when the inputs and the output suffice);
 *   <li>{@link #backward} <em>adds</em> {@code x̄ᵢ = J_iᵀ·ȳ} into {@link OpContext#inputGrad(int)} for each input
 *       with {@link OpContext#needsGrad(int)}, never overwrites, and skips inputs that do not need it. It may run
 *       more than once per recording (every gradient pass replays it), so it must not change the saved state.
 * </ul>
 * <ul>
 *   <li>{@link #tangent} (forward mode) returns the output's tangent {@code ẏ = J·ẋ} <em>recorded as ops</em> through
 *       the context, or null when it is zero. Because it is made of recorded ops, the tangent is itself
 *       differentiable: reverse mode over it gives Hessian-vector products with no second-order VJP per op.
 * </ul>
 * An op instance holds only its configuration (a constant, an index range); per-call state is what forward returns,
 * so one instance may be recorded many times.
 *
 * @param <S> what forward saves for backward ({@link Void} when nothing)
 */
public interface Op<S> {

    /** Short name used in error messages and anomaly reports, e.g. {@code "matmul"}. */
    String name();

    /** The output shape for these input shapes; throws {@link ShapeException} when they are incompatible. */
    Shape outputShape(Shape... inputs);

    /** Computes the output from the inputs and returns what backward needs, or null. */
    S forward(OpContext ctx);

    /** Accumulates the vector-Jacobian product into the gradients of the inputs that need one. */
    void backward(OpContext ctx, S saved);

    /**
     * Whether this op's VJP may add the gradient of input {@code i} later and on another thread
     * ({@link OpContext#deferGradient}), because it only ever adds a product into it that reads nothing the pass
     * changes afterwards: the weight and bias slots of {@link Affine} and of a fused step's products. The default,
     * false, keeps every VJP in the pass's order.
     */
    default boolean defersGradient(int i) {
        return false;
    }

    /**
     * The tangent of the output, {@code ẏ = Σ_i J_i·ẋ_i}, recorded with {@link TangentContext#apply}; null when every
     * input tangent is null (zero). The default is for custom ops written before forward mode: it throws, naming the
     * op, so forward mode never silently treats an op as constant.
     *
     * @throws UnsupportedOperationException if the op has no tangent rule
     */
    default <V> V tangent(TangentContext<V> ctx) {
        throw new UnsupportedOperationException(name() + ": this op has no tangent rule (Op.tangent), so forward mode, "
                + "Hessian-vector and Gauss-Newton products cannot pass through it; implement tangent(ctx)");
    }
}
