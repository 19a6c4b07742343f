package org.tapegrad.tape;

import java.util.List;
import java.util.function.Function;

/**
 * Exact Hessian-vector products {@code H·v} of any scalar function of parameters, by reverse over forward: the
 * function and its directional derivative {@code ḟ = ⟨∇f, v⟩} are recorded on one tape (forward mode records its
 * tangents as ops, {@link ForwardMode}), then one reverse pass on {@code ḟ} gives {@code ∇_θ⟨∇f, v⟩ = H·v}.
 *
 * <p>Why this order: reverse over reverse would need every op's VJP to be recorded (differentiable backward), a
 * second implementation of every backward loop; forward over reverse the same. Reverse over forward needs only the
 * tangent rules, which are themselves made of ordinary ops, so {@code H·v} works for every op, custom ops with a
 * tangent rule and every element type with no second-order code anywhere. Cost: one forward, one tangent recording
 * (about the forward's cost again) and one reverse pass over both.
 *
 * <p>For the Gauss-Newton matrix, positive semi-definite and what Hessian-free training uses, see {@link GaussNewton}.
 */
public final class Curvature {

    private Curvature() {
    }

    /** {@code H·v} for the scalar {@code f} at the parameters' current values, on a fresh tape. */
    public static double[] hessianVector(Function<Tape, Var> f, List<Parameter> params, double[] v) {
        return hessianVector(new Tape(), f, params, v);
    }

    /**
     * {@code H·v} on {@code tape} (reset first; pass one tape to reuse its buffers across products).
     *
     * @param v a flat vector over {@code params} ({@link ParameterVectors})
     * @throws IllegalArgumentException if {@code f} is not {@code 1×1} or {@code v} has the wrong length
     */
    public static double[] hessianVector(Tape tape, Function<Tape, Var> f, List<Parameter> params, double[] v) {
        tape.reset();
        Var out = f.apply(tape);
        if (!out.shape().isScalar()) {
            throw new IllegalArgumentException("hessianVector: f gives " + out.shape() + ", expected a 1×1 scalar");
        }
        Tangents tangents = ForwardMode.tangentsOfParameters(tape, ParameterVectors.split("hessianVector", params, v));
        Var derivative = tangents.orNull(out);
        if (derivative == null || !derivative.requiresGrad()) {
            return new double[v.length];   // f is linear along v (or constant): H·v = 0
        }
        return ParameterVectors.flatten(tape.gradients(derivative, null), params);
    }
}
