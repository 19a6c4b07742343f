package org.tapegrad.check.property;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import org.ojalgo.matrix.store.MatrixStore;
import org.ojalgo.matrix.store.R064Store;
import org.tapegrad.tape.ForwardMode;
import org.tapegrad.tape.Gradients;
import org.tapegrad.tape.NoGrad;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * The two forward-mode properties of an op table row, over the same cases as {@link OpProperties}:
 * <ul>
 *   <li>{@link #tangentsMatchFiniteDifferences}: the tangent rule's {@code J·v} matches the central difference
 *       {@code (f(x + εv) − f(x − εv)) / 2ε} for a random direction {@code v} of every input at once;
 *   <li>{@link #tangentsAreAdjointToGradients}: {@code ⟨u, J·v⟩ = Σ_i ⟨J_iᵀ·u, v_i⟩} for random {@code u, v}: forward
 *       and reverse mode are transposes of one linear map.
 * </ul>
 * The directions are drawn from the case's own values, so a shrunk case replays with the same directions.
 */
public final class TangentProperties {

    /** Step of the central difference: truncation error ~ε²·f''' and rounding ~1e-16/ε balance near here. */
    static final double EPSILON = 1e-5;

    private TangentProperties() {
    }

    /** Checks {@code J·v} against central differences for {@code examples} cases of the row. */
    public static void tangentsMatchFiniteDifferences(OpSpec spec, long seed, int examples) {
        Theories.check(seed, examples, OpProperties.cases(spec), c -> {
            double[][][] v = directions(c, 1);
            double[][] jv = jvp(c, c.inputs(), v);
            double[][] plus = value(c, shifted(c.inputs(), v, EPSILON));
            double[][] minus = value(c, shifted(c.inputs(), v, -EPSILON));
            for (int i = 0; i < jv.length; i++) {
                for (int j = 0; j < jv[i].length; j++) {
                    double numeric = (plus[i][j] - minus[i][j]) / (2 * EPSILON);
                    double error = Math.abs(jv[i][j] - numeric);
                    if (!(error <= spec.absoluteTolerance() + spec.relativeTolerance() * Math.max(Math.abs(numeric), Math.abs(jv[i][j])))) {
                        throw new AssertionError(spec.name() + ": J·v(" + i + ", " + j + ") = " + jv[i][j] + " but the central difference is "
                                + numeric + " (error " + error + ") for v = " + Arrays.deepToString(v));
                    }
                }
            }
        });
    }

    /** Checks {@code ⟨u, J·v⟩ = Σ_i ⟨J_iᵀ·u, v_i⟩} for {@code examples} cases of the row. */
    public static void tangentsAreAdjointToGradients(OpSpec spec, long seed, int examples) {
        Theories.check(seed, examples, OpProperties.cases(spec), c -> {
            double[][][] v = directions(c, 2);
            Tape tape = new Tape();
            Var[] leaves = leaves(tape, c.inputs());
            Var out = c.spec().recorder().record(leaves, c.choices());
            double[][] u = random(out.rows(), out.cols(), new SplittableRandom(seedOf(c) * 31 + 3));
            double forward;
            try (NoGrad ignored = tape.noGrad()) {
                forward = dot(u, ForwardMode.tangents(tape, seeds(leaves, v)).of(out).toArray());
            }
            if (!out.requiresGrad()) {
                return;
            }
            Gradients g = tape.gradients(out, store(u));
            double reverse = 0;
            double scale = 0;
            for (int i = 0; i < leaves.length; i++) {
                double[][] gi = rowMajor(g.of(leaves[i]));
                double term = dot(gi, v[i]);
                reverse += term;
                scale += Math.abs(term);
            }
            if (!(Math.abs(forward - reverse) <= 1e-9 * (1 + scale))) {
                throw new AssertionError(spec.name() + ": ⟨u, J·v⟩ = " + forward + " but Σ⟨Jᵀ·u, v⟩ = " + reverse);
            }
        });
    }

    private static double[][] jvp(OpProperties.Case c, double[][][] x, double[][][] v) {
        Tape tape = new Tape();
        Var[] leaves = leaves(tape, x);
        Var out = c.spec().recorder().record(leaves, c.choices());
        try (NoGrad ignored = tape.noGrad()) {
            return ForwardMode.tangents(tape, seeds(leaves, v)).of(out).toArray();
        }
    }

    private static double[][] value(OpProperties.Case c, double[][][] x) {
        Tape tape = new Tape();
        return c.spec().recorder().record(leaves(tape, x), c.choices()).toArray();
    }

    private static Var[] leaves(Tape tape, double[][][] x) {
        Var[] leaves = new Var[x.length];
        for (int i = 0; i < x.length; i++) {
            leaves[i] = tape.variable(x[i]);
        }
        return leaves;
    }

    private static Map<Var, MatrixStore<Double>> seeds(Var[] leaves, double[][][] v) {
        Map<Var, MatrixStore<Double>> seeds = new IdentityHashMap<>();
        for (int i = 0; i < leaves.length; i++) {
            seeds.put(leaves[i], store(v[i]));
        }
        return seeds;
    }

    /** One direction per input, of its shape, in [−1, 1], determined by the case. */
    private static double[][][] directions(OpProperties.Case c, int salt) {
        SplittableRandom random = new SplittableRandom(seedOf(c) * 31 + salt);
        double[][][] v = new double[c.inputs().length][][];
        for (int i = 0; i < v.length; i++) {
            v[i] = random(c.inputs()[i].length, c.inputs()[i][0].length, random);
        }
        return v;
    }

    private static long seedOf(OpProperties.Case c) {
        return Arrays.deepHashCode(c.inputs()) * 1_000_003L + Arrays.hashCode(c.choices());
    }

    private static double[][] random(int rows, int cols, SplittableRandom random) {
        double[][] m = new double[rows][cols];
        for (double[] row : m) {
            for (int j = 0; j < cols; j++) {
                row[j] = random.nextDouble(-1, 1);
            }
        }
        return m;
    }

    private static double[][][] shifted(double[][][] x, double[][][] v, double step) {
        double[][][] y = new double[x.length][][];
        for (int k = 0; k < x.length; k++) {
            y[k] = new double[x[k].length][];
            for (int i = 0; i < x[k].length; i++) {
                y[k][i] = x[k][i].clone();
                for (int j = 0; j < y[k][i].length; j++) {
                    y[k][i][j] += step * v[k][i][j];
                }
            }
        }
        return y;
    }

    private static double dot(double[][] a, double[][] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                s += a[i][j] * b[i][j];
            }
        }
        return s;
    }

    static R064Store store(double[][] rowMajor) {
        R064Store s = R064Store.FACTORY.make(rowMajor.length, rowMajor[0].length);
        for (int i = 0; i < rowMajor.length; i++) {
            for (int j = 0; j < rowMajor[i].length; j++) {
                s.set(i, j, rowMajor[i][j]);
            }
        }
        return s;
    }

    private static double[][] rowMajor(MatrixStore<Double> m) {
        double[][] a = new double[(int) m.countRows()][(int) m.countColumns()];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                a[i][j] = m.doubleValue(i, j);
            }
        }
        return a;
    }
}
