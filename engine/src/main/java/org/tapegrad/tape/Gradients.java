package org.tapegrad.tape;

import org.ojalgo.matrix.store.MatrixStore;
import org.ojalgo.matrix.store.PhysicalStore;
import org.tapegrad.op.Stores;

/**
 * The gradients of one output with respect to the values and parameters of its recording, returned by
 * {@link Tape#gradients} and {@link Tape#backward}: a value, not a side effect. Valid until the tape is reset.
 */
public final class Gradients {

    private final Tape tape;
    private final int generation;
    private final GradientPass pass;

    Gradients(Tape tape, GradientPass pass) {
        this.tape = tape;
        this.generation = tape.generation();
        this.pass = pass;
    }

    /**
     * {@code ∂output/∂v} contracted with the seed, read only: zero where {@code v} does not influence the output.
     * Available for leaves (parameters, variables) and for intermediates that {@link Var#retainGrad() retain} their
     * gradient; the pass hands every other intermediate's gradient back to the pool once it has been used.
     *
     * @throws IllegalArgumentException if {@code v} needs no gradient or belongs to another tape
     * @throws IllegalStateException if {@code v} is an intermediate whose gradient was released
     */
    public MatrixStore<Double> of(Var v) {
        PhysicalStore<Double> g = storeOf(v);
        if (g == null && pass.released(v)) {
            throw new IllegalStateException("gradients: the gradient of this " + v.shape() + " intermediate went back to the pool once its producer's VJP had used it;"
                    + " call retainGrad() on it before the pass to keep it");
        }
        return g != null ? g.limits(v.rows(), v.cols()) : Stores.make(tape.dtype(), v.rows(), v.cols());
    }

    /** The gradient with respect to a parameter, read only: zero if the recording does not use it. */
    public MatrixStore<Double> of(Parameter p) {
        Var leaf = leafOf(p);
        return leaf != null ? of(leaf) : Stores.make(tape.dtype(), p.shape().rows(), p.shape().cols());
    }

    /** Whether {@code v} influences the output (false: its gradient is zero because no path leads to it). */
    public boolean reached(Var v) {
        return storeOf(v) != null || pass.released(v);
    }

    /** Whether the parameter is used on this recording and influences the output. */
    public boolean reached(Parameter p) {
        Var leaf = leafOf(p);
        return leaf != null && reached(leaf);
    }

    /** The raw gradient of {@code v}, or null when the pass did not reach it. */
    PhysicalStore<Double> storeOf(Var v) {
        check();
        if (v.tape() != tape) {
            throw new IllegalArgumentException("gradients: the value " + v.shape() + " belongs to another tape");
        }
        v.checkValid("gradients");
        if (!v.requiresGrad()) {
            throw new IllegalArgumentException("gradients: this " + v.shape() + " value needs no gradient (a constant, a detached value or a result recorded under noGrad)");
        }
        return pass.storeOf(v);
    }

    /** The pass's own store of a reached parameter's gradient (pooled, of the parameter's shape), or null. */
    PhysicalStore<Double> storeOf(Parameter p) {
        Var leaf = leafOf(p);
        return leaf == null ? null : storeOf(leaf);
    }

    private Var leafOf(Parameter p) {
        check();
        return tape.leaves().leafOrNull(p);
    }

    private void check() {
        if (generation != tape.generation()) {
            throw new IllegalStateException("gradients: computed before the tape was reset(); their buffers have been reused");
        }
    }
}
