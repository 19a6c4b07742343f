package org.tapegrad.layers.optim;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Truncated conjugate gradient for {@code A·x = b} with {@code A} symmetric positive definite and known only through
 * products, as Hessian-free training uses it (Martens 2010, §4): it minimises {@code φ(x) = ½ xᵀA x − bᵀx} from a
 * starting point, and stops when the relative progress of φ over the last {@code k = max(10, 0.1·i)} iterations falls
 * below {@code k·ε} (a residual test is not used: the quadratic is only a local model, and its value is what
 * matters), when the residual vanishes, or after a maximum number of iterations. It keeps the iterates at
 * {@code i = ⌈γ^j⌉} for backtracking (Martens' "CG-backtracking").
 *
 * @param maxIterations at most this many products with A
 * @param progressTolerance ε of the relative-progress test (Martens: 5·10⁻⁴)
 * @param backtrackingBase γ of the kept iterates (Martens: 1.3)
 */
public record ConjugateGradient(int maxIterations, double progressTolerance, double backtrackingBase) {

    /** The iterates kept, oldest first, the last one being the final iterate, and the number of products with A. */
    public record Result(List<double[]> iterates, List<Integer> iterations, int products) {

        /** The final iterate. */
        public double[] solution() {
            return iterates.get(iterates.size() - 1);
        }
    }

    public ConjugateGradient {
        if (maxIterations < 1) {
            throw new IllegalArgumentException("conjugate gradient: maxIterations must be ≥ 1, got " + maxIterations);
        }
        if (!(progressTolerance >= 0)) {
            throw new IllegalArgumentException("conjugate gradient: the progress tolerance must be ≥ 0, got " + progressTolerance);
        }
        if (!(backtrackingBase > 1)) {
            throw new IllegalArgumentException("conjugate gradient: the backtracking base must be > 1, got " + backtrackingBase);
        }
    }

    /**
     * Runs CG from {@code x0} (a warm start; zeros for a cold one).
     *
     * @throws IllegalArgumentException if b and x0 differ in length
     */
    public Result solve(UnaryOperator<double[]> a, double[] b, double[] x0) {
        if (b.length != x0.length) {
            throw new IllegalArgumentException("conjugate gradient: b has " + b.length + " elements, x0 " + x0.length);
        }
        double[] x = x0.clone();
        double[] r = b.clone();
        int products = 0;
        if (norm2(x) > 0) {
            double[] ax = a.apply(x);
            products++;
            axpy(-1, ax, r);
        }
        double[] p = r.clone();
        double rr = dot(r, r);
        double bb = dot(b, b);
        List<double[]> kept = new ArrayList<>();
        List<Integer> keptAt = new ArrayList<>();
        List<Double> phi = new ArrayList<>();
        phi.add(-0.5 * dotSum(x, b, r));
        double nextKeep = 1;
        int i = 0;
        while (i < maxIterations && rr > 1e-24 * bb) {   // ‖r‖ ≤ 10⁻¹²‖b‖: solved to rounding
            double[] ap = a.apply(p);
            products++;
            double curvature = dot(p, ap);
            if (!(curvature > 0)) {
                break;   // A not positive definite along p (damping 0 on a flat direction): stop where we are
            }
            double alpha = rr / curvature;
            axpy(alpha, p, x);
            axpy(-alpha, ap, r);
            i++;
            double value = -0.5 * dotSum(x, b, r);   // φ(x) = ½xᵀAx − bᵀx = −½ xᵀ(b + r), since Ax = b − r
            phi.add(value);
            if (i >= nextKeep) {
                kept.add(x.clone());
                keptAt.add(i);
                while (nextKeep <= i) {
                    nextKeep = Math.ceil(nextKeep * backtrackingBase);
                }
            }
            int k = Math.max(10, (int) Math.ceil(0.1 * i));
            if (i > k && value < 0 && (value - phi.get(i - k)) / value < k * progressTolerance) {
                break;
            }
            double rrNext = dot(r, r);
            double beta = rrNext / rr;
            rr = rrNext;
            for (int j = 0; j < p.length; j++) {
                p[j] = r[j] + beta * p[j];
            }
        }
        if (keptAt.isEmpty() || keptAt.get(keptAt.size() - 1) != i) {
            kept.add(x.clone());
            keptAt.add(i);
        }
        return new Result(List.copyOf(kept), List.copyOf(keptAt), products);
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double dotSum(double[] x, double[] b, double[] r) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * (b[i] + r[i]);
        }
        return s;
    }

    private static double norm2(double[] x) {
        return dot(x, x);
    }

    static void axpy(double alpha, double[] x, double[] y) {
        for (int i = 0; i < y.length; i++) {
            y[i] += alpha * x[i];
        }
    }
}
