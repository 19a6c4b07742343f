package org.tapegrad.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.function.Function;

import org.tapegrad.tape.Gradients;
import org.tapegrad.tape.Layout;
import org.tapegrad.tape.NoGrad;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * Compares the tape's gradients with central finite differences, in double precision.
 *
 * <p>The function under test builds its output on a tape from the given parameters (bring them on with
 * {@link Tape#param}). A non-scalar output is reduced with a random cotangent {@code c}: the checked scalar is
 * {@code ⟨c, f(x)⟩}, whose gradient is the VJP {@code Jᵀc}. Two modes:
 * <ul>
 *   <li>{@link Mode#FULL}: every element of every input is perturbed by ±h, so the report names the worst element;
 *       for small inputs and debugging;
 *   <li>{@link Mode#RANDOM_DIRECTIONS}: per input, a few random directions {@code t}: {@code ⟨t, Jᵀc⟩} against
 *       {@code (φ(x+ht) − φ(x−ht))/2h}; two evaluations per direction whatever the input size.
 * </ul>
 * An element passes when {@code |analytic − numeric| ≤ atol + rtol·max(|analytic|, |numeric|)}.
 *
 * <pre>{@code
 * GradientCheck.of(tape -> tape.param(x).tanh().times(tape.param(w)).sum(), x, w).assertPasses();
 * }</pre>
 */
public final class GradientCheck {

    /** How the numeric gradient is probed. */
    public enum Mode { FULL, RANDOM_DIRECTIONS }

    private final Function<Tape, Var> function;
    private final List<Parameter> inputs;
    private Mode mode = Mode.FULL;
    private double step = 1e-6;
    private double absoluteTolerance = 1e-6;
    private double relativeTolerance = 1e-5;
    private int directions = 4;
    private long seed = 12345L;

    private GradientCheck(Function<Tape, Var> function, List<Parameter> inputs) {
        this.function = Objects.requireNonNull(function, "function");
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("gradient check needs at least one input parameter");
        }
        this.inputs = inputs;
    }

    /** A check of {@code function}'s gradient with respect to {@code inputs}, in full mode with default tolerances. */
    public static GradientCheck of(Function<Tape, Var> function, Parameter... inputs) {
        return new GradientCheck(function, List.of(inputs));
    }

    /** Same as {@link #of(Function, Parameter...)} with a list. */
    public static GradientCheck of(Function<Tape, Var> function, List<Parameter> inputs) {
        return new GradientCheck(function, List.copyOf(inputs));
    }

    public GradientCheck mode(Mode mode) {
        this.mode = Objects.requireNonNull(mode);
        return this;
    }

    /** Finite-difference step h (default 1e-6). */
    public GradientCheck step(double h) {
        if (!(h > 0) || !Double.isFinite(h)) {
            throw new IllegalArgumentException("step must be positive and finite, got " + h);
        }
        this.step = h;
        return this;
    }

    /** Absolute and relative tolerance (defaults 1e-6 and 1e-5). */
    public GradientCheck tolerance(double absolute, double relative) {
        if (!(absolute >= 0) || !(relative >= 0)) {
            throw new IllegalArgumentException("tolerances must be non-negative, got " + absolute + ", " + relative);
        }
        this.absoluteTolerance = absolute;
        this.relativeTolerance = relative;
        return this;
    }

    /** Random directions per input in {@link Mode#RANDOM_DIRECTIONS} (default 4). */
    public GradientCheck directions(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("directions must be at least 1, got " + n);
        }
        this.directions = n;
        return this;
    }

    /** Seed of the cotangent and the random directions (default 12345). */
    public GradientCheck seed(long seed) {
        this.seed = seed;
        return this;
    }

    /**
     * Runs the check. Parameters' values and gradients are as before when it returns, also when the function throws:
     * the analytic gradients come from {@link Tape#gradients}, which changes no parameter.
     */
    public GradientCheckReport run() {
        Random random = new Random(seed);
        Tape tape = new Tape();
        List<double[]> analytic = new ArrayList<>();
        double[][] cotangent;
        try {
            Var out = function.apply(tape);
            cotangent = new double[out.rows()][out.cols()];
            for (double[] row : cotangent) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = out.shape().isScalar() ? 1.0 : random.nextGaussian();
                }
            }
            Gradients gradients = tape.gradients(out, Layout.matrix(cotangent));
            for (Parameter p : inputs) {
                analytic.add(storageOrder(gradients.of(p)));
            }
        } finally {
            tape.reset();
        }
        List<Parameter.Snapshot> originals = new ArrayList<>();
        for (Parameter p : inputs) {
            originals.add(p.snapshot());
        }
        GradientCheckReport.Builder report = new GradientCheckReport.Builder(mode, absoluteTolerance, relativeTolerance);
        try {
            for (int k = 0; k < inputs.size(); k++) {
                Parameter p = inputs.get(k);
                double[] x = storageOrder(p.value());
                if (mode == Mode.FULL) {
                    for (int idx = 0; idx < x.length; idx++) {
                        double plus = evaluateAt(tape, cotangent, p, idx, x[idx] + step);
                        double minus = evaluateAt(tape, cotangent, p, idx, x[idx] - step);
                        setElement(p, idx, x[idx]);
                        report.element(p.name(), "(" + Layout.rowOf(idx, p.shape()) + ", " + Layout.columnOf(idx, p.shape()) + ")",
                                analytic.get(k)[idx], (plus - minus) / (2 * step));
                    }
                } else {
                    for (int d = 0; d < directions; d++) {
                        double[] t = new double[x.length];
                        double expected = 0;
                        for (int i = 0; i < x.length; i++) {
                            t[i] = random.nextGaussian();
                            expected += t[i] * analytic.get(k)[i];
                        }
                        double plus = evaluateAlong(tape, cotangent, p, x, t, step);
                        double minus = evaluateAlong(tape, cotangent, p, x, t, -step);
                        report.element(p.name(), "direction " + d, expected, (plus - minus) / (2 * step));
                    }
                    setAll(p, x);
                }
            }
        } finally {
            for (int k = 0; k < inputs.size(); k++) {
                inputs.get(k).restore(originals.get(k));
            }
        }
        return report.build();
    }

    /** Runs the check and throws an {@link AssertionError} carrying the report when it fails. */
    public GradientCheckReport assertPasses() {
        GradientCheckReport r = run();
        if (!r.passed()) {
            throw new AssertionError(r.toString());
        }
        return r;
    }

    private double evaluateAt(Tape tape, double[][] cotangent, Parameter p, int index, double value) {
        setElement(p, index, value);
        return evaluate(tape, cotangent);
    }

    private double evaluateAlong(Tape tape, double[][] cotangent, Parameter p, double[] origin, double[] direction, double h) {
        p.update((v, g) -> {
            for (int i = 0; i < v.length; i++) {
                v[i] = origin[i] + h * direction[i];
            }
        });
        return evaluate(tape, cotangent);
    }

    private static void setElement(Parameter p, int index, double value) {
        p.update((v, g) -> v[index] = value);
    }

    private static void setAll(Parameter p, double[] values) {
        p.update((v, g) -> System.arraycopy(values, 0, v, 0, v.length));
    }

    /** The elements of {@code m} in the storage order that {@link Parameter#update} sees (column-major). */
    private static double[] storageOrder(org.ojalgo.matrix.store.MatrixStore<Double> m) {
        int rows = (int) m.countRows();
        int cols = (int) m.countColumns();
        double[] out = new double[rows * cols];
        for (int j = 0; j < cols; j++) {
            for (int i = 0; i < rows; i++) {
                out[i + j * rows] = m.doubleValue(i, j);
            }
        }
        return out;
    }

    private double evaluate(Tape tape, double[][] cotangent) {
        try (NoGrad ignored = tape.noGrad()) {
            Var out = function.apply(tape);
            if (out.rows() != cotangent.length || out.cols() != cotangent[0].length) {
                throw new IllegalStateException("gradient check: the function's output changed shape from " + cotangent.length + "×" + cotangent[0].length + " to " + out.shape());
            }
            double s = 0;
            for (int i = 0; i < cotangent.length; i++) {
                for (int j = 0; j < cotangent[i].length; j++) {
                    s += cotangent[i][j] * out.get(i, j);
                }
            }
            return s;
        } finally {
            tape.reset();
        }
    }
}
