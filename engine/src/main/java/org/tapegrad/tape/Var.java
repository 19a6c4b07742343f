package org.tapegrad.tape;

import org.ojalgo.matrix.store.MatrixStore;
import org.ojalgo.matrix.store.PhysicalStore;
import org.tapegrad.op.Add;
import org.tapegrad.op.BinaryCrossEntropy;
import org.tapegrad.op.ColumnSlice;
import org.tapegrad.op.DType;
import org.tapegrad.op.Divide;
import org.tapegrad.op.Exp;
import org.tapegrad.op.Log;
import org.tapegrad.op.MatMul;
import org.tapegrad.op.Multiply;
import org.tapegrad.op.Relu;
import org.tapegrad.op.RowGather;
import org.tapegrad.op.ScaleShift;
import org.tapegrad.op.Shape;
import org.tapegrad.op.Sigmoid;
import org.tapegrad.op.Softmax;
import org.tapegrad.op.SoftmaxCrossEntropy;
import org.tapegrad.op.SquaredError;
import org.tapegrad.op.Stores;
import org.tapegrad.op.Subtract;
import org.tapegrad.op.Sum;
import org.tapegrad.op.Tanh;

/**
 * A value recorded on a {@link Tape}: a dense {@code rows × cols} matrix of the tape's element type ({@link DType}),
 * read as doubles. Fluent methods record ops and read
 * like the math: {@code x.matmul(wx).plus(h.matmul(wh)).plus(b).tanh()}.
 *
 * <p>Binary element-wise methods ({@code plus}, {@code minus}, {@code times}, {@code div}) accept a second operand of
 * the same shape or broadcast along rows ({@code 1×n}), columns ({@code m×1}) or as a scalar ({@code 1×1}).
 *
 * <p>A var is valid until its tape is {@link Tape#reset() reset}; using it afterwards throws.
 */
public final class Var {

    private final Tape tape;
    private final int generation;
    private final int index;
    private final PhysicalStore<Double> value;
    private final boolean requiresGrad;
    private final Parameter parameter;
    private Shape shape;
    private MatrixStore<Double> view;
    private boolean retainsGrad;

    Var(Tape tape, PhysicalStore<Double> value, boolean requiresGrad, Parameter parameter) {
        this(tape, value, requiresGrad, parameter, null);
    }

    /** @param shape the value's shape when the caller has it at hand (null: made on first use) */
    Var(Tape tape, PhysicalStore<Double> value, boolean requiresGrad, Parameter parameter, Shape shape) {
        this.shape = shape;
        this.tape = tape;
        this.generation = tape.generation();
        this.index = tape.nextValueIndex();
        this.value = value;
        this.requiresGrad = requiresGrad;
        this.parameter = parameter;
    }

    /** The tape this value is recorded on. */
    public Tape tape() {
        return tape;
    }

    public Shape shape() {
        if (shape == null) {
            shape = new Shape(value.getRowDim(), value.getColDim());
        }
        return shape;
    }

    public int rows() {
        return value.getRowDim();
    }

    public int cols() {
        return value.getColDim();
    }

    /** Whether this value is still usable: false once its tape has been {@link Tape#reset() reset}. */
    public boolean isValid() {
        return generation == tape.generation();
    }

    /** The element type of the value: its tape's. */
    public DType dtype() {
        return tape.dtype();
    }

    /** Whether gradients flow into this value (false for constants, detached values and no-grad results). */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** The value, read only (a view of a pooled buffer that the tape reuses after reset). */
    public MatrixStore<Double> value() {
        PhysicalStore<Double> s = store();
        if (view == null) {
            view = s.limits(s.getRowDim(), s.getColDim());
        }
        return view;
    }

    /** Element {@code (i, j)} of the value. */
    public double get(int i, int j) {
        return store().doubleValue(i, j);
    }

    /** The single element of a {@code 1×1} value. */
    public double item() {
        if (value.getRowDim() != 1 || value.getColDim() != 1) {
            throw new IllegalStateException("item(): value is " + shape() + ", not a 1×1 scalar");
        }
        return Stores.get(store(), 0);
    }

    /** A row-major copy of the value. */
    public double[][] toArray() {
        return Layout.toRowMajor(store());
    }

    /**
     * The gradient of the output of the last {@link Tape#backward} on this recording with respect to this value
     * (for a parameter's leaf: the parameter's accumulated gradient, into which backward adds); zero if the pass did
     * not reach it. A diagnostic: use {@link Tape#gradients} to ask for gradients as a value. For the result of an op
     * call {@link #retainGrad()} before backward: passes release intermediates' gradients once used.
     *
     * @throws IllegalStateException before any backward pass on this recording, if the value needs no gradient, or
     *         if it is an intermediate whose gradient was released (no {@link #retainGrad()})
     */
    public MatrixStore<Double> grad() {
        checkValid("grad()");
        if (!requiresGrad) {
            throw new IllegalStateException("grad(): this " + shape() + " value needs no gradient (a constant, a detached value or a result recorded under noGrad)");
        }
        Gradients last = tape.lastBackward();
        if (last == null) {
            throw new IllegalStateException("grad(): no backward pass has run since this value was recorded; call tape.backward(loss) first");
        }
        return last.of(this);
    }

    /**
     * Asks every later gradient pass on this recording to keep this value's gradient (PyTorch's
     * {@code retain_grad()}), readable with {@link #grad()} and {@link Gradients#of(Var)}. Without it the pass hands
     * an intermediate's gradient back to the pool as soon as the VJP that reads it has run, which keeps a long
     * unroll's gradient memory to a few steps. Leaves (parameters, {@link Tape#variable variables}) always keep
     * theirs; on them this changes nothing. Call it before the pass; it lasts until the tape is reset.
     *
     * @return this value
     */
    public Var retainGrad() {
        checkValid("retainGrad()");
        retainsGrad = true;
        return this;
    }

    /** Whether {@link #retainGrad()} was called on this value. */
    public boolean retainsGrad() {
        return retainsGrad;
    }

    /** A new leaf on the same tape with the same value and no gradient: gradients stop here. */
    public Var detach() {
        checkValid("detach");
        return tape.leaves().detached(this);
    }

    // ---- package-private plumbing -----------------------------------------------------------------------------

    PhysicalStore<Double> store() {
        checkValid("value");
        return value;
    }

    /** Throws when the tape was reset after this value was recorded. */
    void checkValid(String what) {
        if (generation != tape.generation()) {
            throw new IllegalStateException(what + ": this " + value.getRowDim() + "×" + value.getColDim()
                    + " value was recorded before the tape was reset(); its buffer has been reused. Record the step again.");
        }
    }

    PhysicalStore<Double> rawStore() {
        return value;
    }

    int generation() {
        return generation;
    }

    /** The parameter this leaf stands for, or null. */
    Parameter parameter() {
        return parameter;
    }

    /** Position on the tape's recording, the index of this value's gradient in a gradient pass. */
    int index() {
        return index;
    }

    // ---- fluent ops --------------------------------------------------------------------------------------------

    /** {@code this · w}. */
    public Var matmul(Var w) {
        return tape.apply(MatMul.PLAIN, this, w);
    }

    /** {@code this · w} for a parameter {@code w}. */
    public Var matmul(Parameter w) {
        return matmul(tape.param(w));
    }

    /** {@code this · wᵀ} (B transposed). */
    public Var matmulBT(Var w) {
        return tape.apply(MatMul.RIGHT_TRANSPOSED, this, w);
    }

    /** {@code thisᵀ · w} (A transposed). */
    public Var matmulAT(Var w) {
        return tape.apply(MatMul.LEFT_TRANSPOSED, this, w);
    }

    public Var plus(Var other) {
        return tape.apply(Add.INSTANCE, this, other);
    }

    public Var plus(Parameter other) {
        return plus(tape.param(other));
    }

    /** {@code this + c} element-wise. */
    public Var plus(double c) {
        return tape.apply(ScaleShift.add(c), this);
    }

    public Var minus(Var other) {
        return tape.apply(Subtract.INSTANCE, this, other);
    }

    /** Element-wise (Hadamard) product. */
    public Var times(Var other) {
        return tape.apply(Multiply.INSTANCE, this, other);
    }

    public Var times(Parameter other) {
        return times(tape.param(other));
    }

    /** {@code c · this}. */
    public Var times(double c) {
        return tape.apply(ScaleShift.scale(c), this);
    }

    public Var div(Var other) {
        return tape.apply(Divide.INSTANCE, this, other);
    }

    public Var negate() {
        return tape.apply(ScaleShift.NEGATE, this);
    }

    /** {@code 1 − this}, the complement of a gate. */
    public Var oneMinus() {
        return tape.apply(ScaleShift.ONE_MINUS, this);
    }

    public Var exp() {
        return tape.apply(Exp.INSTANCE, this);
    }

    /** Natural logarithm; the input must be positive. */
    public Var log() {
        return tape.apply(Log.INSTANCE, this);
    }

    public Var tanh() {
        return tape.apply(Tanh.INSTANCE, this);
    }

    /** Logistic sigmoid {@code 1/(1+e^{−x})}, computed without overflow for any x. */
    public Var sigmoid() {
        return tape.apply(Sigmoid.INSTANCE, this);
    }

    public Var relu() {
        return tape.apply(Relu.INSTANCE, this);
    }

    /** Sum of all elements, {@code 1×1}. */
    public Var sum() {
        return tape.apply(Sum.ALL, this);
    }

    /** Mean of all elements, {@code 1×1}. */
    public Var mean() {
        return tape.apply(Sum.MEAN_ALL, this);
    }

    /** Sum of each row, {@code rows×1}. */
    public Var sumRows() {
        return tape.apply(Sum.PER_ROW, this);
    }

    /** Mean of each row, {@code rows×1}. */
    public Var meanRows() {
        return tape.apply(Sum.MEAN_PER_ROW, this);
    }

    /** Sum of each column, {@code 1×cols}. */
    public Var sumColumns() {
        return tape.apply(Sum.PER_COLUMN, this);
    }

    /** Mean of each column, {@code 1×cols}. */
    public Var meanColumns() {
        return tape.apply(Sum.MEAN_PER_COLUMN, this);
    }

    /** Columns {@code [from, to)}. */
    public Var columns(int from, int to) {
        return tape.apply(new ColumnSlice(from, to), this);
    }

    /** Rows of this table picked by index (an embedding lookup): output row i is row {@code indices[i]}. */
    public Var gatherRows(int... indices) {
        return tape.apply(new RowGather(indices), this);
    }

    /** Softmax of each row. */
    public Var softmax() {
        return tape.apply(Softmax.INSTANCE, this);
    }

    /**
     * Per-row softmax cross-entropy of these logits against class indices, {@code rows×1}: {@code −log softmax(x_i)[t_i]},
     * computed with log-sum-exp; a target of {@code -1} marks a row to ignore (loss and gradient 0).
     */
    public Var crossEntropy(int... targets) {
        return tape.apply(new SoftmaxCrossEntropy(targets), this);
    }

    /** Element-wise binary cross-entropy of these logits against targets in [0, 1], in the stable form. */
    public Var binaryCrossEntropy(Var targets) {
        return tape.apply(BinaryCrossEntropy.INSTANCE, this, targets);
    }

    /** Element-wise {@code (this − target)²}. */
    public Var squaredError(Var target) {
        return tape.apply(SquaredError.INSTANCE, this, target);
    }

    @Override
    public String toString() {
        return "Var" + shape() + (requiresGrad ? " (grad)" : "");
    }
}
