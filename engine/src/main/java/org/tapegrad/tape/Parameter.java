package org.tapegrad.tape;

import java.util.Objects;

import org.ojalgo.matrix.store.MatrixStore;
import org.ojalgo.matrix.store.R064Store;
import org.tapegrad.op.Shape;
import org.tapegrad.op.ShapeException;

/**
 * A named, persistent value (a weight) that lives across tapes. On a tape it becomes a leaf ({@link Tape#param});
 * {@link Tape#backward(Var)} adds its gradient into {@link #grad()}, which keeps accumulating across backward passes
 * and tapes until {@link #zeroGrad()} — so gradients of several chunks or micro-batches can be summed before one
 * optimizer step. {@link Tape#gradients} computes gradients without touching it.
 *
 * <p>{@link #value()} and {@link #grad()} are read-only views. The value changes only through {@link #assign},
 * {@link #update} and {@link #restore}; the gradient through {@link #accumulateGrad}, {@link #updateGrad} and
 * {@link #zeroGrad()}.
 */
public final class Parameter {

    /** An in-place change of a parameter's value, given its gradient: how optimizers step. */
    @FunctionalInterface
    public interface Update {
        /**
         * @param value the parameter's elements, to be written, in its storage order ({@link Layout#rowOf})
         * @param grad the accumulated gradient in the same order, read only; null while {@link #hasGrad()} is false
         */
        void apply(double[] value, double[] grad);
    }

    /** An in-place change of a parameter's accumulated gradient: how clipping works. */
    @FunctionalInterface
    public interface GradientUpdate {
        /** @param grad the accumulated gradient in the parameter's storage order, to be written */
        void apply(double[] grad);
    }

    /** A read-only look at a parameter's elements in its storage order: how norms are taken without a copy. */
    @FunctionalInterface
    public interface Reader {
        /** @param values the elements, read only (the array is the parameter's own: do not keep or write it) */
        void read(double[] values);
    }

    private final String name;
    private final R064Store value;
    private final MatrixStore<Double> valueView;
    private R064Store grad;
    private MatrixStore<Double> gradView;

    /** A zero-filled parameter of the given shape. */
    public Parameter(String name, int rows, int cols) {
        this(name, shapeFor(name, rows, cols));
    }

    /**
     * A zero-filled parameter of the given shape.
     *
     * @throws ShapeException if the shape holds more elements than one array can
     */
    public Parameter(String name, Shape shape) {
        this.name = Objects.requireNonNull(name, "name");
        ShapeException.requireFits("Parameter '" + name + "'", shape);
        this.value = R064Store.FACTORY.make(shape.rows(), shape.cols());
        this.valueView = value.limits(shape.rows(), shape.cols());
    }

    /** A parameter holding a copy of {@code initial}. */
    public Parameter(String name, MatrixStore<Double> initial) {
        this(name, shapeFor(name, initial.countRows(), initial.countColumns()));
        value.fillMatching(initial);
    }

    /** A parameter holding a copy of a row-major array, {@code rowMajor[i][j]} being element (i, j). */
    public static Parameter of(String name, double[][] rowMajor) {
        Parameter p = new Parameter(name, Layout.shapeOf(rowMajor));
        Layout.copy(rowMajor, p.value);
        return p;
    }

    public String name() {
        return name;
    }

    public Shape shape() {
        return new Shape(value.getRowDim(), value.getColDim());
    }

    /** Number of elements. */
    public int size() {
        return value.data.length;
    }

    /** The current value, read only. */
    public MatrixStore<Double> value() {
        return valueView;
    }

    /** The accumulated gradient, read only; zero until a backward pass reaches this parameter. */
    public MatrixStore<Double> grad() {
        return gradView();
    }

    /** Whether a gradient buffer exists (false until a backward pass or an explicit gradient change created one). */
    public boolean hasGrad() {
        return grad != null;
    }

    /** Sets the accumulated gradient to zero. */
    public void zeroGrad() {
        if (grad != null) {
            java.util.Arrays.fill(grad.data, 0.0);
        }
    }

    /** Sets the value to a copy of {@code newValue} (same shape). */
    public void assign(MatrixStore<Double> newValue) {
        requireShape("assign", newValue.countRows(), newValue.countColumns());
        value.fillMatching(newValue);
    }

    /** Sets the value from a row-major array of the same shape. */
    public void assign(double[][] rowMajor) {
        Shape s = Layout.shapeOf(rowMajor);
        requireShape("assign", s.rows(), s.cols());
        Layout.copy(rowMajor, value);
    }

    /** Changes the value in place, element by element, given the accumulated gradient. */
    public void update(Update update) {
        update.apply(value.data, grad == null ? null : grad.data);
    }

    /** Changes the accumulated gradient in place. */
    public void updateGrad(GradientUpdate update) {
        update.apply(gradStore().data);
    }

    /** Reads the accumulated gradient in place, in storage order; zeros (and no buffer created) if none has arrived. */
    public void readGrad(Reader reader) {
        reader.read(grad != null ? grad.data : new double[size()]);
    }

    /** Reads the value in place, in storage order. */
    public void readValue(Reader reader) {
        reader.read(value.data);
    }

    /** Adds {@code g} (same shape) into the accumulated gradient. */
    public void accumulateGrad(MatrixStore<Double> g) {
        requireShape("accumulateGrad", g.countRows(), g.countColumns());
        double[] target = gradStore().data;
        if (g instanceof R064Store) {
            double[] source = ((R064Store) g).data;
            for (int i = 0; i < target.length; i++) {
                target[i] += source[i];
            }
        } else {
            int rows = value.getRowDim();
            for (int j = 0, cols = value.getColDim(); j < cols; j++) {
                for (int i = 0; i < rows; i++) {
                    target[i + j * rows] += g.doubleValue(i, j);
                }
            }
        }
    }

    /** An immutable copy of the current value, for {@link #restore}. */
    public Snapshot snapshot() {
        return new Snapshot(name, shape(), value.data.clone());
    }

    /** Sets the value back to a snapshot of this parameter's shape. */
    public void restore(Snapshot snapshot) {
        requireShape("restore", snapshot.shape().rows(), snapshot.shape().cols());
        System.arraycopy(snapshot.values, 0, value.data, 0, snapshot.values.length);
    }

    /** A copy of a parameter's value taken by {@link #snapshot()}. */
    public static final class Snapshot {
        private final String name;
        private final Shape shape;
        private final double[] values;

        private Snapshot(String name, Shape shape, double[] values) {
            this.name = name;
            this.shape = shape;
            this.values = values;
        }

        public String name() {
            return name;
        }

        public Shape shape() {
            return shape;
        }

        /** The value as a new matrix. */
        public MatrixStore<Double> value() {
            return R064Store.wrap(values.clone(), shape.rows());
        }
    }

    @Override
    public String toString() {
        return "Parameter " + name + " " + shape();
    }

    /** The value's own store, for the tape's leaf (no copy). */
    R064Store store() {
        return value;
    }

    /** The accumulated gradient's own store, made (zero) on first use: what a backward pass adds into. */
    R064Store gradStore() {
        gradView();
        return grad;
    }

    private MatrixStore<Double> gradView() {
        if (grad == null) {
            grad = R064Store.FACTORY.make(value.getRowDim(), value.getColDim());
            gradView = grad.limits(value.getRowDim(), value.getColDim());
        }
        return gradView;
    }

    private void requireShape(String what, long rows, long cols) {
        if (rows != value.getRowDim() || cols != value.getColDim()) {
            throw new ShapeException("Parameter '" + name + "' " + shape() + ": " + what + " got [" + rows + "×" + cols + "]");
        }
    }

    private static Shape shapeFor(String name, long rows, long cols) {
        if (rows < 1 || cols < 1 || rows > Integer.MAX_VALUE || cols > Integer.MAX_VALUE) {
            throw new ShapeException("Parameter '" + name + "': shape must be at least 1×1 with int dimensions, got " + rows + "×" + cols);
        }
        return new Shape((int) rows, (int) cols);
    }
}
