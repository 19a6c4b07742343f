package org.tapegrad.tape;

/**
 * The result of forward mode on a recording: the tangent {@code v̇ = J·ṡ} of every value recorded before it, given
 * the tangents {@code ṡ} of some leaves, as ordinary {@link Var}s on the same tape. Recorded with gradients on, they
 * are differentiable like any value (reverse mode over them gives Hessian-vector products).
 */
public final class Tangents {

    private final Tape tape;
    private final Var[] byIndex;

    Tangents(Tape tape, Var[] byIndex) {
        this.tape = tape;
        this.byIndex = byIndex;
    }

    /** Whether {@code v}'s tangent is known to be zero (no seed reaches it), so {@link #of} would be a constant 0. */
    public boolean isZero(Var v) {
        return lookUp(v) == null;
    }

    /** The tangent of {@code v}: a value of its shape (a constant zero when no seed reaches it). */
    public Var of(Var v) {
        Var t = lookUp(v);
        return t != null ? t : tape.filled(v.rows(), v.cols(), 0.0);
    }

    /** The tangent of {@code v}, or null when it is zero. */
    Var orNull(Var v) {
        return lookUp(v);
    }

    private Var lookUp(Var v) {
        v.checkValid("tangent");
        if (v.tape() != tape) {
            throw new IllegalArgumentException("tangent: the value belongs to another tape");
        }
        if (v.index() >= byIndex.length) {
            throw new IllegalArgumentException("tangent: this " + v.shape() + " value was recorded after forward mode ran; run ForwardMode.tangents again");
        }
        return byIndex[v.index()];
    }
}
