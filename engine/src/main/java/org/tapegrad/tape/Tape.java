package org.tapegrad.tape;

import java.util.ArrayList;
import java.util.Objects;

import org.ojalgo.matrix.store.MatrixStore;
import org.ojalgo.matrix.store.R064Store;
import org.tapegrad.op.Affine;
import org.tapegrad.op.ColumnConcat;
import org.tapegrad.op.ProductSum;
import org.tapegrad.op.RowSelect;

/**
 * Records ops in execution order and replays them in reverse to compute gradients.
 *
 * <p>One training step: bring parameters on with {@link #param}, constants with {@link #constant}, compute a
 * scalar loss with {@link Var}'s fluent ops, call {@link #backward(Var)}, let an optimizer read the parameters'
 * gradients, then {@link #reset()}: every buffer goes back to a pool keyed by shape, so the next step of the same
 * shapes allocates no arrays. Gradients accumulate ({@code +=}): a parameter used at every time step receives the
 * sum of all its uses, which is backpropagation through time.
 *
 * <p>A tape is not thread-safe; use one per thread.
 */
public final class Tape {

    private final BufferPool pool = new BufferPool();
    private final ArrayList<R064Store> owned = new ArrayList<>();
    private final ArrayList<Node> nodes = new ArrayList<>();
    private final ArrayList<Var> gradHolders = new ArrayList<>();
    private int generation;
    private int noGradDepth;
    private boolean backwardRan;
    private boolean anomalyDetection;

    // ---- leaves -----------------------------------------------------------------------------------------------

    /**
     * The leaf standing for {@code p} on this tape; repeated calls within one recording return the same leaf. Its
     * value is the parameter's own store (no copy); its gradient accumulates into {@link Parameter#grad()}.
     */
    public Var param(Parameter p) {
        Objects.requireNonNull(p, "parameter");
        if (p.leafTape == this && p.leafGeneration == generation) {
            return p.leaf;
        }
        Var leaf = new Var(this, p.value(), true, p);
        p.leafTape = this;
        p.leafGeneration = generation;
        p.leaf = leaf;
        return leaf;
    }

    /** A constant leaf (no gradient) holding a copy of {@code value}. */
    public Var constant(MatrixStore<Double> value) {
        R064Store copy = take((int) value.countRows(), (int) value.countColumns());
        copy.fillMatching(value);
        return new Var(this, copy, false, null);
    }

    /** A constant leaf holding a copy of a row-major array. */
    public Var constant(double[][] rowMajor) {
        Shape s = shapeOf(rowMajor);
        R064Store copy = take(s.rows(), s.cols());
        copyRowMajor(rowMajor, copy);
        return new Var(this, copy, false, null);
    }

    /** A constant {@code 1×n} row. */
    public Var row(double... values) {
        return constant(new double[][] {values});
    }

    /** A constant {@code rows×cols} filled with {@code c}. */
    public Var filled(int rows, int cols, double c) {
        R064Store s = take(new Shape(rows, cols).rows(), cols);
        java.util.Arrays.fill(s.data, c);
        return new Var(this, s, false, null);
    }

    /** A leaf that is not a parameter but whose gradient is wanted (e.g. an input): holds a copy of {@code value}. */
    public Var variable(MatrixStore<Double> value) {
        R064Store copy = take((int) value.countRows(), (int) value.countColumns());
        copy.fillMatching(value);
        return new Var(this, copy, true, null);
    }

    /** Row-major form of {@link #variable(MatrixStore)}. */
    public Var variable(double[][] rowMajor) {
        Shape s = shapeOf(rowMajor);
        R064Store copy = take(s.rows(), s.cols());
        copyRowMajor(rowMajor, copy);
        return new Var(this, copy, true, null);
    }

    // ---- recording ---------------------------------------------------------------------------------------------

    /**
     * Records {@code op} applied to {@code inputs} and runs its forward computation. This is how custom ops are used.
     *
     * @throws ShapeException if the op rejects the input shapes
     * @throws AnomalyException in anomaly mode, if the output holds NaN or ±Inf
     */
    public Var apply(Op op, Var... inputs) {
        Shape[] shapes = new Shape[inputs.length];
        boolean needsGrad = false;
        for (int i = 0; i < inputs.length; i++) {
            Var in = Objects.requireNonNull(inputs[i], () -> op.name() + ": input is null");
            if (in.tape() != this) {
                throw new IllegalArgumentException(op.name() + ": input " + i + " belongs to another tape");
            }
            checkValid(in, op.name());
            shapes[i] = in.shape();
            needsGrad |= in.requiresGrad();
        }
        Shape out = op.outputShape(shapes);
        needsGrad &= noGradDepth == 0;
        Node node = new Node(this, op, inputs);
        node.output = new Var(this, take(out.rows(), out.cols()), needsGrad, null);
        if (anomalyDetection) {
            node.site = callSite();
        }
        op.forward(node);
        if (anomalyDetection && !allFinite(node.output.rawStore())) {
            throw new AnomalyException(op.name() + " produced a non-finite output " + out + " from inputs (" + node.describeInputs() + "), recorded at " + node.site);
        }
        if (needsGrad) {
            nodes.add(node);
        }
        return node.output;
    }

    /**
     * {@code x₁·W₁ + … + x_n·W_n + b} as one op (the pre-activation of a recurrent cell); {@code b} is a {@code 1×N}
     * row, each product {@code B×N}.
     *
     * @param xw the pairs {@code x₁, W₁, x₂, W₂, …}
     */
    public Var affine(Var b, Var... xw) {
        if (xw.length == 0 || xw.length % 2 != 0) {
            throw new IllegalArgumentException("affine: expected (x, W) pairs, got " + xw.length + " values");
        }
        Var[] inputs = java.util.Arrays.copyOf(xw, xw.length + 1);
        inputs[xw.length] = b;
        return apply(new Affine(xw.length / 2), inputs);
    }

    /** {@code a⊙b + c⊙d} as one op (the state update of a gated cell); all four of one shape. */
    public Var productSum(Var a, Var b, Var c, Var d) {
        return apply(ProductSum.INSTANCE, a, b, c, d);
    }

    /** Columns of {@code parts} side by side: {@code [a | b | …]}; all must have the same number of rows. */
    public Var concatColumns(Var... parts) {
        return apply(ColumnConcat.INSTANCE, parts);
    }

    /** Row i of the result is row i of {@code ifTrue} where {@code rowMask[i]}, else row i of {@code ifFalse}. */
    public Var selectRows(boolean[] rowMask, Var ifTrue, Var ifFalse) {
        return apply(new RowSelect(rowMask), ifTrue, ifFalse);
    }

    /**
     * Suspends recording until the returned scope is closed: ops still compute, but their results need no gradient.
     * Use with try-with-resources.
     */
    public NoGrad noGrad() {
        noGradDepth++;
        return new NoGrad();
    }

    /** Whether ops are currently recorded for backward. */
    public boolean isRecording() {
        return noGradDepth == 0;
    }

    /** A scope opened by {@link #noGrad()}. */
    public final class NoGrad implements AutoCloseable {
        private boolean open = true;

        private NoGrad() {
        }

        @Override
        public void close() {
            if (open) {
                open = false;
                noGradDepth--;
            }
        }
    }

    /**
     * In anomaly mode (off by default, it costs a stack walk per op) the first op whose output or VJP holds NaN or
     * ±Inf throws an {@link AnomalyException} naming the op, the shapes and the call site that recorded it.
     */
    public void setAnomalyDetection(boolean on) {
        this.anomalyDetection = on;
    }

    // ---- backward ----------------------------------------------------------------------------------------------

    /**
     * Backpropagates from a {@code 1×1} loss (seed 1).
     *
     * @throws IllegalArgumentException if {@code loss} is not {@code 1×1}
     */
    public void backward(Var loss) {
        checkValid(loss, "backward");
        if (loss.rows() != 1 || loss.cols() != 1) {
            throw new IllegalArgumentException("backward: the output is " + loss.shape() + ", not a 1×1 scalar; reduce it (sum(), mean()) or pass a seed gradient of the same shape");
        }
        backward(loss, null);
    }

    /**
     * Backpropagates from {@code output} with the given seed gradient {@code ∂L/∂output} (same shape). May be called
     * more than once on one recording (e.g. with different seeds): gradients of intermediate values are recomputed,
     * parameters' gradients keep accumulating.
     */
    public void backward(Var output, MatrixStore<Double> seed) {
        checkValid(output, "backward");
        if (output.tape() != this) {
            throw new IllegalArgumentException("backward: the output belongs to another tape");
        }
        if (seed != null && (seed.countRows() != output.rows() || seed.countColumns() != output.cols())) {
            throw new IllegalArgumentException("backward: seed is [" + seed.countRows() + "×" + seed.countColumns() + "] but the output is " + output.shape());
        }
        if (!output.requiresGrad()) {
            throw new IllegalArgumentException("backward: the output " + output.shape() + " does not depend on anything that needs a gradient (only constants, detached values or noGrad results)");
        }
        for (Var v : gradHolders) {
            v.clearGrad();
        }
        gradHolders.clear();
        for (Node n : nodes) {
            n.output.clearGrad();
        }
        R064Store g = output.gradStoreForAccumulation();
        if (seed == null) {
            g.data[0] += 1.0;
        } else {
            for (int j = 0; j < output.cols(); j++) {
                for (int i = 0; i < output.rows(); i++) {
                    g.data[i + j * output.rows()] += seed.doubleValue(i, j);
                }
            }
        }
        backwardRan = true;
        for (int k = nodes.size() - 1; k >= 0; k--) {
            Node node = nodes.get(k);
            if (node.output.gradStore() == null) {
                continue;
            }
            node.op.backward(node);
            for (Var in : node.inputs) {
                if (in.requiresGrad() && in.gradStore() != null) {
                    gradHolders.add(in);
                    if (anomalyDetection && !allFinite(in.gradStore())) {
                        throw new AnomalyException(node.op.name() + " backward produced a non-finite gradient for an input of (" + node.describeInputs() + "), recorded at " + node.site);
                    }
                }
            }
        }
    }

    /** Whether a backward pass has run since the last reset. */
    public boolean backwardRan() {
        return backwardRan;
    }

    // ---- reuse -------------------------------------------------------------------------------------------------

    /**
     * Forgets the recording and returns every buffer to the pool. All vars of this tape become invalid; parameters
     * keep their values and accumulated gradients.
     */
    public void reset() {
        for (R064Store s : owned) {
            pool.give(s);
        }
        owned.clear();
        nodes.clear();
        gradHolders.clear();
        generation++;
        backwardRan = false;
    }

    /** Number of ops recorded for backward since the last reset. */
    public int size() {
        return nodes.size();
    }

    /** Total number of doubles this tape's pool has ever allocated; flat across steady-state steps. */
    public long pooledElementsAllocated() {
        return pool.allocatedElements();
    }

    // ---- package-private plumbing ------------------------------------------------------------------------------

    int generation() {
        return generation;
    }

    R064Store take(int rows, int cols) {
        R064Store s = pool.take(rows, cols);
        owned.add(s);
        return s;
    }

    Var detached(Var v) {
        checkValid(v, "detach");
        return new Var(this, v.rawStore(), false, null);
    }

    void checkValid(Var v, String what) {
        if (v.generation() != generation) {
            throw new IllegalStateException(what + ": this " + v.rawStore().getRowDim() + "×" + v.rawStore().getColDim()
                    + " value was recorded before the tape was reset(); its buffer has been reused. Record the step again.");
        }
    }

    private static boolean allFinite(R064Store s) {
        for (double d : s.data) {
            if (!Double.isFinite(d)) {
                return false;
            }
        }
        return true;
    }

    private static String callSite() {
        return StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).walk(frames -> frames
                .filter(f -> !isEngineFrame(f.getDeclaringClass()))
                .findFirst()
                .map(f -> f.getClassName() + "." + f.getMethodName() + "(" + f.getFileName() + ":" + f.getLineNumber() + ")")
                .orElse("<unknown>"));
    }

    /** Frames of the tape itself and of ops (built-in or custom) are not the user's call site. */
    private static boolean isEngineFrame(Class<?> c) {
        Class<?> outer = c;
        while (outer.getEnclosingClass() != null) {
            outer = outer.getEnclosingClass();
        }
        String pkg = outer.getPackageName();
        return outer == Tape.class || outer == Var.class || outer == Node.class || Op.class.isAssignableFrom(c)
                || pkg.equals("org.tapegrad.op") || pkg.equals("org.tapegrad.kernel");
    }

    static Shape shapeOf(double[][] rowMajor) {
        if (rowMajor.length == 0 || rowMajor[0] == null || rowMajor[0].length == 0) {
            throw new IllegalArgumentException("matrix must have at least one row and one column");
        }
        int cols = rowMajor[0].length;
        for (int i = 1; i < rowMajor.length; i++) {
            if (rowMajor[i] == null || rowMajor[i].length != cols) {
                throw new IllegalArgumentException("ragged matrix: row 0 has " + cols + " columns, row " + i + " has " + (rowMajor[i] == null ? "none" : rowMajor[i].length));
            }
        }
        return new Shape(rowMajor.length, cols);
    }

    static void copyRowMajor(double[][] src, R064Store dst) {
        int rows = src.length;
        for (int i = 0; i < rows; i++) {
            double[] r = src[i];
            for (int j = 0; j < r.length; j++) {
                dst.data[i + j * rows] = r[j];
            }
        }
    }

    static double[][] toRowMajor(R064Store s) {
        int rows = s.getRowDim();
        int cols = s.getColDim();
        double[][] out = new double[rows][cols];
        for (int j = 0; j < cols; j++) {
            for (int i = 0; i < rows; i++) {
                out[i][j] = s.data[i + j * rows];
            }
        }
        return out;
    }
}
