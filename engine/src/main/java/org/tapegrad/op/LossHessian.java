package org.tapegrad.op;

/**
 * A loss op whose Hessian with respect to its prediction (input 0) is known in closed form and positive
 * semi-definite, so that a Gauss-Newton product {@code G·v = Jᵀ·H_L·J·v} can use it. The other inputs are targets:
 * Gauss-Newton treats them as constants.
 */
public interface LossHessian {

    /**
     * {@code u = Σ_k w_k · ∂²ℓ_k/∂x² · ẋ}, recorded through {@code ctx} ({@code ctx.input(0)} the prediction): the
     * loss Hessian applied to a tangent of the prediction, each output element's Hessian weighted by {@code w_k}
     * (its weight in the scalar objective, of the op's output shape).
     */
    <V> V hessianProduct(TangentContext<V> ctx, V weights, V dx);
}
