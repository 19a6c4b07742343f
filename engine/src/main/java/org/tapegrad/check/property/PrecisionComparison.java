package org.tapegrad.check.property;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.ojalgo.matrix.store.MatrixStore;
import org.ojalgo.matrix.store.R064Store;
import org.tapegrad.op.DType;
import org.tapegrad.tape.Gradients;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * The float32 property of a subject: recorded on a float32 tape it gives the output and the gradients the float64
 * tape gives on the same function and the same inputs, up to a relative tolerance (about 1e-4: float rounding,
 * amplified by the function's conditioning). Central differences in float are too noisy to be the reference; the
 * float64 tape, itself checked against central differences, is.
 *
 * <p>"The same inputs": the parameters are first rounded to float (so both tapes start from identical values),
 * the cotangent is made of multiples of 1/8 (exact in float). Each element is compared with
 * {@code |a₃₂ − a₆₄| ≤ tol·(|a₆₄| + ‖a₆₄‖∞)}: relative to the element, with the tensor's largest magnitude as a floor so
 * that an element that cancels to almost zero is not asked for more digits than its neighbours have.
 */
public final class PrecisionComparison {

    private PrecisionComparison() {
    }

    /**
     * Compares the two tapes on {@code subject} and leaves its parameters float64 (holding the rounded values).
     *
     * @return null when everything agrees, else a one-paragraph report naming the worst value
     */
    public static String float32AgainstFloat64(Subject subject, long seed, double tolerance) {
        List<Parameter> params = subject.parameters();
        for (Parameter p : params) {
            p.to(DType.F32).to(DType.F64);
        }
        try {
            Result f64 = record(subject, DType.F64, seed);
            for (Parameter p : params) {
                p.to(DType.F32);
            }
            Result f32 = record(subject, DType.F32, seed);
            Worst worst = new Worst();
            worst.compare("output", f32.output, f64.output, tolerance);
            for (int i = 0; i < params.size(); i++) {
                worst.compare("gradient of '" + params.get(i).name() + "'", f32.grads.get(i), f64.grads.get(i), tolerance);
            }
            return worst.excess > 1 ? worst.report(tolerance) : null;
        } finally {
            for (Parameter p : params) {
                p.to(DType.F64);
            }
        }
    }

    private record Result(double[][] output, List<double[][]> grads) {
    }

    private static Result record(Subject subject, DType dtype, long seed) {
        Tape tape = new Tape(dtype);
        Var out = subject.function().apply(tape);
        Random random = new Random(seed);
        R064Store cotangent = R064Store.FACTORY.make(out.rows(), out.cols());
        for (int i = 0; i < out.rows(); i++) {
            for (int j = 0; j < out.cols(); j++) {
                cotangent.set(i, j, (random.nextInt(17) - 8) / 8.0);
            }
        }
        Gradients g = tape.gradients(out, cotangent);
        List<double[][]> grads = new ArrayList<>();
        for (Parameter p : subject.parameters()) {
            grads.add(copy(g.of(p)));
        }
        Result r = new Result(copy(out.value()), grads);
        tape.reset();
        return r;
    }

    private static double[][] copy(MatrixStore<Double> m) {
        double[][] a = new double[(int) m.countRows()][(int) m.countColumns()];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                a[i][j] = m.doubleValue(i, j);
            }
        }
        return a;
    }

    /** The element whose difference uses the largest share of its allowance. */
    private static final class Worst {
        double excess;
        String what;
        int row;
        int col;
        double f32;
        double f64;

        void compare(String name, double[][] a32, double[][] a64, double tolerance) {
            double max = 0;
            for (double[] r : a64) {
                for (double v : r) {
                    max = Math.max(max, Math.abs(v));
                }
            }
            for (int i = 0; i < a64.length; i++) {
                for (int j = 0; j < a64[i].length; j++) {
                    double allowed = tolerance * (Math.abs(a64[i][j]) + max);
                    double diff = Math.abs(a32[i][j] - a64[i][j]);
                    double share = allowed > 0 ? diff / allowed : diff > 0 || Double.isNaN(a32[i][j]) ? Double.POSITIVE_INFINITY : 0;
                    if (Double.isNaN(diff)) {
                        share = Double.POSITIVE_INFINITY;
                    }
                    if (share > excess) {
                        excess = share;
                        what = name;
                        row = i;
                        col = j;
                        f32 = a32[i][j];
                        f64 = a64[i][j];
                    }
                }
            }
        }

        String report(double tolerance) {
            return "float32 differs from float64 in the " + what + " at (" + row + ", " + col + "): " + f32 + " vs " + f64
                    + ", " + String.format("%.3g", excess) + "× the allowance (relative tolerance " + tolerance + ")";
        }
    }
}
