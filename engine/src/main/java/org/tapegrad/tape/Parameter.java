package org.tapegrad.tape;

import org.ojalgo.matrix.store.MatrixStore;
import org.ojalgo.matrix.store.R064Store;

/**
 * A named, persistent value (a weight) that lives across tapes. On a tape it becomes a leaf ({@link Tape#param});
 * every use there adds into {@link #grad()}, which keeps accumulating across backward passes and tapes until
 * {@link #zeroGrad()} — so gradients of several chunks or micro-batches can be summed before one optimizer step.
 * Optimizers read {@link #grad()} and write {@link #value()}; nothing else should.
 */
public final class Parameter {

    private final String name;
    private final R064Store value;
    private R064Store grad;

    // The leaf standing for this parameter on the tape that used it last: one lookup, no map.
    Tape leafTape;
    int leafGeneration;
    Var leaf;

    /** A zero-filled parameter of the given shape. */
    public Parameter(String name, int rows, int cols) {
        this(name, new Shape(rows, cols));
    }

    /** A zero-filled parameter of the given shape. */
    public Parameter(String name, Shape shape) {
        this.name = java.util.Objects.requireNonNull(name, "name");
        this.value = R064Store.FACTORY.make(shape.rows(), shape.cols());
    }

    /** A parameter holding a copy of {@code initial}. */
    public Parameter(String name, MatrixStore<Double> initial) {
        this(name, new Shape((int) initial.countRows(), (int) initial.countColumns()));
        value.fillMatching(initial);
    }

    /** A parameter holding a copy of a row-major array, {@code rowMajor[i][j]} being element (i, j). */
    public static Parameter of(String name, double[][] rowMajor) {
        Parameter p = new Parameter(name, Tape.shapeOf(rowMajor));
        Tape.copyRowMajor(rowMajor, p.value);
        return p;
    }

    public String name() {
        return name;
    }

    public Shape shape() {
        return new Shape(value.getRowDim(), value.getColDim());
    }

    /** The current value, mutable: initializers, optimizers and weight loaders write into it. */
    public R064Store value() {
        return value;
    }

    /** The accumulated gradient, zero until a backward pass reaches this parameter. */
    public R064Store grad() {
        if (grad == null) {
            grad = R064Store.FACTORY.make(value.getRowDim(), value.getColDim());
        }
        return grad;
    }

    /** Whether a gradient buffer exists (false until a backward pass or {@link #grad()} created one). */
    public boolean hasGrad() {
        return grad != null;
    }

    /** Sets the accumulated gradient to zero. */
    public void zeroGrad() {
        if (grad != null) {
            java.util.Arrays.fill(grad.data, 0.0);
        }
    }

    @Override
    public String toString() {
        return "Parameter " + name + " " + shape();
    }
}
