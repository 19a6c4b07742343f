package org.tapegrad.check.property;

import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.quicktheories.core.Gen;
import org.tapegrad.check.GradientCheck;
import org.tapegrad.check.GradientCheckReport;
import org.tapegrad.op.Shape;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Var;

/**
 * The one gradient property of an op table: for random dimensions, inputs drawn from the row's domains and random
 * configuration choices, the tape's VJP matches central differences. A failure is shrunk (smaller dimensions,
 * simpler values, choices towards 0) and reported with the case and the seed that replays it.
 */
public final class OpProperties {

    /** Random dimensions go up to this; shrinking takes them down to 1. */
    public static final int MAX_DIMENSION = 6;

    /** Configuration choices drawn per case. */
    static final int CHOICES = 8;

    private OpProperties() {
    }

    /** One drawn case of a row: the input values (row-major) and the configuration choices. */
    public record Case(OpSpec spec, double[][][] inputs, int[] choices) {
        @Override
        public String toString() {
            StringBuilder s = new StringBuilder(spec.name()).append(" on");
            for (double[][] in : inputs) {
                s.append(' ').append(new Shape(in.length, in[0].length)).append(' ').append(Arrays.deepToString(in));
            }
            return s.append(", choices ").append(Arrays.toString(choices)).toString();
        }

        /** This case as a subject: the op recorded on its inputs, brought on as parameters named x0, x1, …. */
        public Subject subject() {
            Parameter[] params = new Parameter[inputs.length];
            for (int i = 0; i < params.length; i++) {
                params[i] = Parameter.of("x" + i, inputs[i]);
            }
            return Subject.of(t -> {
                Var[] leaves = new Var[params.length];
                for (int i = 0; i < params.length; i++) {
                    leaves[i] = t.param(params[i]);
                }
                return spec.recorder().record(leaves, choices);
            }, params);
        }

        /** The gradient check of this case (inputs become parameters named x0, x1, …). */
        public GradientCheckReport check() {
            Parameter[] params = new Parameter[inputs.length];
            for (int i = 0; i < params.length; i++) {
                params[i] = Parameter.of("x" + i, inputs[i]);
            }
            return GradientCheck.of(t -> {
                Var[] leaves = new Var[params.length];
                for (int i = 0; i < params.length; i++) {
                    leaves[i] = t.param(params[i]);
                }
                return spec.recorder().record(leaves, choices);
            }, params).tolerance(spec.absoluteTolerance(), spec.relativeTolerance()).run();
        }
    }

    /**
     * Checks one row over {@code examples} cases in float32: the float32 tape's output and gradients match the
     * float64 tape's on the same inputs ({@link PrecisionComparison}).
     *
     * @throws AssertionError with the shrunk case and the worst difference
     */
    public static void float32MatchesFloat64(OpSpec spec, long seed, int examples, double tolerance) {
        Theories.check(seed, examples, cases(spec), c -> {
            String failure = PrecisionComparison.float32AgainstFloat64(c.subject(), seed, tolerance);
            if (failure != null) {
                throw new AssertionError(failure);
            }
        });
    }

    /** The cases of one row. */
    public static Gen<Case> cases(OpSpec spec) {
        Gen<Integer> dim = integers().between(1, MAX_DIMENSION);
        Gen<int[]> choices = lists().of(integers().between(0, 99)).ofSize(CHOICES)
                .map(l -> l.stream().mapToInt(Integer::intValue).toArray());
        return dim.zip(dim, dim, choices, (m, k, n, c) -> new Object[] {spec.shapes().inputs(m, k, n), c})
                .flatMap(drawn -> values(spec, (Shape[]) drawn[0]).map(v -> new Case(spec, v, (int[]) drawn[1])));
    }

    /**
     * Checks one row over {@code examples} cases.
     *
     * @throws AssertionError with the shrunk case and the gradient check's report
     */
    public static void gradientsMatchFiniteDifferences(OpSpec spec, long seed, int examples) {
        Theories.check(seed, examples, cases(spec), c -> {
            GradientCheckReport report = c.check();
            if (!report.passed()) {
                throw new AssertionError(report.toString());
            }
        });
    }

    private static Gen<double[][][]> values(OpSpec spec, Shape[] shapes) {
        if (shapes.length != spec.domains().size()) {
            throw new IllegalStateException(spec.name() + ": the shape rule gives " + shapes.length + " inputs, the row has "
                    + spec.domains().size() + " domains");
        }
        Gen<List<double[][]>> all = pooled(shapes[0], spec.domains().get(0)).map(OpProperties::listOf);
        for (int i = 1; i < shapes.length; i++) {
            all = all.zip(pooled(shapes[i], spec.domains().get(i)), (list, m) -> {
                List<double[][]> next = new ArrayList<>(list);
                next.add(m);
                return next;
            });
        }
        return all.map(list -> list.toArray(double[][][]::new));
    }

    /**
     * A matrix read from the top-left corner of a fixed-size pool of draws: element (i, j) is always the same draw,
     * whatever the shape, so when shrinking takes the dimensions down, the values that remain keep what made the case
     * fail (with one list per shape, a smaller shape would read other draws and pass).
     */
    private static Gen<double[][]> pooled(Shape shape, Gen<Double> domain) {
        int side = Math.max(MAX_DIMENSION, Math.max(shape.rows(), shape.cols()));
        return TapegradGenerators.matrix(new Shape(side, side), domain).map(pool -> {
            double[][] m = new double[shape.rows()][shape.cols()];
            for (int i = 0; i < shape.rows(); i++) {
                System.arraycopy(pool[i], 0, m[i], 0, shape.cols());
            }
            return m;
        });
    }

    private static List<double[][]> listOf(double[][] m) {
        List<double[][]> list = new ArrayList<>();
        list.add(m);
        return list;
    }
}
