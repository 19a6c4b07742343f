package org.tapegrad.tape;

import java.util.Objects;

import org.ojalgo.matrix.store.MatrixStore;
import org.ojalgo.matrix.store.PhysicalStore;
import org.ojalgo.matrix.store.R032Store;
import org.ojalgo.matrix.store.R064Store;
import org.tapegrad.op.DType;
import org.tapegrad.op.Shape;
import org.tapegrad.op.ShapeException;
import org.tapegrad.op.Stores;

/**
 * A named, persistent value (a weight) that lives across tapes. On a tape it becomes a leaf ({@link Tape#param});
 * {@link Tape#backward(Var)} adds its gradient into {@link #grad()}, which keeps accumulating across backward passes
 * and tapes until {@link #zeroGrad()} — so gradients of several chunks or micro-batches can be summed before one
 * optimizer step. {@link Tape#gradients} computes gradients without touching it.
 *
 * <p>{@link #value()} and {@link #grad()} are read-only views. The value changes only through {@link #assign},
 * {@link #update} and {@link #restore}; the gradient through {@link #accumulateGrad}, {@link #updateGrad} and
 * {@link #zeroGrad()}.
 *
 * <p>A parameter has an element type ({@link DType}, float64 unless created or converted otherwise): it can only be
 * recorded on a tape of that type. {@link #to(DType)} converts it in place, like PyTorch's {@code module.to(dtype)},
 * so a model is built and initialized as usual (same seed, same weights) and then converted: a float32 parameter
 * holds the float64 weights rounded to float. The {@link Update}, {@link GradientUpdate} and {@link Reader}
 * callbacks see doubles in both types: for a float32 parameter they get widened copies (kept between calls, so a
 * step allocates nothing) and the new values are rounded to float once when written back, so every optimizer,
 * clipping rule and norm works unchanged and computes in double.
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
    private PhysicalStore<Double> value;
    private MatrixStore<Double> valueView;
    private PhysicalStore<Double> grad;
    private MatrixStore<Double> gradView;
    private double[] wideValue;   // float32 only: the widened copies the callbacks see
    private double[] wideGrad;
    /** Counts the changes of the value: what a tape's packed copy of it ({@link PackedOperands}) checks before use. */
    private int version;

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
        this(name, shape, DType.F64);
    }

    /**
     * A zero-filled parameter of the given shape and element type.
     *
     * @throws ShapeException if the shape holds more elements than one array can
     */
    public Parameter(String name, Shape shape, DType dtype) {
        this.name = Objects.requireNonNull(name, "name");
        ShapeException.requireFits("Parameter '" + name + "'", shape);
        this.value = Stores.make(Objects.requireNonNull(dtype, "dtype"), shape.rows(), shape.cols());
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

    /** The element type of the value and the gradient. */
    public DType dtype() {
        return Stores.dtypeOf(value);
    }

    /**
     * Converts the value and the accumulated gradient to {@code dtype} in place (rounding to float for
     * {@link DType#F32}; exact the other way) and returns this parameter; nothing happens when it already has that
     * type. Convert between steps: a tape recorded before still holds the old value.
     */
    public Parameter to(DType dtype) {
        Objects.requireNonNull(dtype, "dtype");
        if (dtype == dtype()) {
            return this;
        }
        int rows = value.getRowDim();
        int cols = value.getColDim();
        PhysicalStore<Double> v = Stores.make(dtype, rows, cols);
        Stores.copy(value, v);
        value = v;
        valueView = v.limits(rows, cols);
        version++;
        if (grad != null) {
            PhysicalStore<Double> g = Stores.make(dtype, rows, cols);
            Stores.copy(grad, g);
            grad = g;
            gradView = g.limits(rows, cols);
        }
        wideValue = null;
        wideGrad = null;
        return this;
    }

    public Shape shape() {
        return new Shape(value.getRowDim(), value.getColDim());
    }

    /** Number of elements. */
    public int size() {
        return Stores.size(value);
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
            Stores.fill(grad, 0.0);
        }
    }

    /** Sets the value to a copy of {@code newValue} (same shape). */
    public void assign(MatrixStore<Double> newValue) {
        requireShape("assign", newValue.countRows(), newValue.countColumns());
        value.fillMatching(newValue);
        version++;
    }

    /** Sets the value from a row-major array of the same shape. */
    public void assign(double[][] rowMajor) {
        Shape s = Layout.shapeOf(rowMajor);
        requireShape("assign", s.rows(), s.cols());
        Layout.copy(rowMajor, value);
        version++;
    }

    /** Changes the value in place, element by element, given the accumulated gradient. */
    public void update(Update update) {
        version++;
        if (value instanceof R064Store) {
            update.apply(((R064Store) value).data, grad == null ? null : ((R064Store) grad).data);
            return;
        }
        float[] v = ((R032Store) value).data;
        double[] wide = widen(v, wideValue);
        wideValue = wide;
        double[] g = null;
        if (grad != null) {
            g = widen(((R032Store) grad).data, wideGrad);
            wideGrad = g;
        }
        update.apply(wide, g);
        narrow(wide, v);
    }

    /** Changes the accumulated gradient in place. */
    public void updateGrad(GradientUpdate update) {
        PhysicalStore<Double> gs = gradStore();
        if (gs instanceof R064Store) {
            update.apply(((R064Store) gs).data);
            return;
        }
        float[] g = ((R032Store) gs).data;
        double[] wide = widen(g, wideGrad);
        wideGrad = wide;
        update.apply(wide);
        narrow(wide, g);
    }

    /** Reads the accumulated gradient in place, in storage order; zeros (and no buffer created) if none has arrived. */
    public void readGrad(Reader reader) {
        if (grad == null) {
            reader.read(new double[size()]);
        } else if (grad instanceof R064Store) {
            reader.read(((R064Store) grad).data);
        } else {
            wideGrad = widen(((R032Store) grad).data, wideGrad);
            reader.read(wideGrad);
        }
    }

    /** Reads the value in place, in storage order. */
    public void readValue(Reader reader) {
        if (value instanceof R064Store) {
            reader.read(((R064Store) value).data);
        } else {
            wideValue = widen(((R032Store) value).data, wideValue);
            reader.read(wideValue);
        }
    }

    /** Adds {@code g} (same shape) into the accumulated gradient (rounded to float for a float32 parameter). */
    public void accumulateGrad(MatrixStore<Double> g) {
        requireShape("accumulateGrad", g.countRows(), g.countColumns());
        PhysicalStore<Double> gs = gradStore();
        int rows = value.getRowDim();
        int cols = value.getColDim();
        if (gs instanceof R032Store) {
            float[] target = ((R032Store) gs).data;
            if (g instanceof R032Store) {
                float[] source = ((R032Store) g).data;
                for (int i = 0; i < target.length; i++) {
                    target[i] += source[i];
                }
                return;
            }
            for (int j = 0; j < cols; j++) {
                for (int i = 0; i < rows; i++) {
                    target[i + j * rows] += (float) g.doubleValue(i, j);
                }
            }
            return;
        }
        double[] target = ((R064Store) gs).data;
        if (g instanceof R064Store) {
            double[] source = ((R064Store) g).data;
            for (int i = 0; i < target.length; i++) {
                target[i] += source[i];
            }
        } else {
            for (int j = 0; j < cols; j++) {
                for (int i = 0; i < rows; i++) {
                    target[i + j * rows] += g.doubleValue(i, j);
                }
            }
        }
    }

    private static double[] widen(float[] src, double[] reuse) {
        double[] dst = reuse != null && reuse.length == src.length ? reuse : new double[src.length];
        for (int i = 0; i < src.length; i++) {
            dst[i] = src[i];
        }
        return dst;
    }

    private static void narrow(double[] src, float[] dst) {
        for (int i = 0; i < src.length; i++) {
            dst[i] = (float) src[i];
        }
    }

    /** An immutable copy of the current value, for {@link #restore}. */
    public Snapshot snapshot() {
        double[] copy = new double[size()];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = Stores.get(value, i);
        }
        return new Snapshot(name, shape(), copy);
    }

    /** Sets the value back to a snapshot of this parameter's shape. */
    public void restore(Snapshot snapshot) {
        requireShape("restore", snapshot.shape().rows(), snapshot.shape().cols());
        Stores.copy(R064Store.wrap(snapshot.values, snapshot.shape().rows()), value);
        version++;
    }

    /** How many times the value has changed (assign, update, restore, a conversion) since the parameter was made. */
    int version() {
        return version;
    }

    /** Counts a change of the value written through {@link #store()} by this package (a whole-vector assignment). */
    void valueChanged() {
        version++;
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
        return "Parameter " + name + " " + shape() + (dtype() == DType.F64 ? "" : " " + dtype().longName());
    }

    /** The value's own store, for the tape's leaf (no copy). */
    PhysicalStore<Double> store() {
        return value;
    }

    /** The accumulated gradient's own store, made (zero) on first use: what a backward pass adds into. */
    PhysicalStore<Double> gradStore() {
        gradView();
        return grad;
    }

    private MatrixStore<Double> gradView() {
        if (grad == null) {
            grad = Stores.make(dtype(), value.getRowDim(), value.getColDim());
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
