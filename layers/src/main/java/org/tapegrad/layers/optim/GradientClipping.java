package org.tapegrad.layers.optim;

import java.util.List;

import org.tapegrad.tape.Layout;
import org.tapegrad.tape.Parameter;

/**
 * Gradient clipping, applied between {@code tape.backward(loss)} and {@code optimizer.step(parameters)}. Works in
 * place on the accumulated gradients ({@link Parameter#updateGrad}); parameters without a gradient buffer are
 * skipped. Allocates nothing per element.
 */
public final class GradientClipping {

    private GradientClipping() {
    }

    /**
     * The L2 norm of all gradients taken together, {@code √(Σ_p Σ_i g_pi²)}, computed with scaling so that huge
     * or tiny elements neither overflow nor underflow.
     *
     * @throws NonFiniteGradientException if any element is NaN or ±∞, naming the first such parameter
     */
    public static double globalNorm(List<Parameter> parameters) {
        // Each gradient is read in place in its storage order, the order the sum has always been taken in: a clipped
        // run stays bit-identical. One reader per call, none per parameter or element.
        GlobalNorm norm = new GlobalNorm();
        for (int k = 0, n = parameters.size(); k < n; k++) {
            Parameter p = parameters.get(k);
            if (p.hasGrad()) {
                norm.parameter = p;
                p.readGrad(norm);
            }
        }
        if (norm.largest == 0) {
            return 0;
        }
        norm.summing = true;
        for (int k = 0, n = parameters.size(); k < n; k++) {
            Parameter p = parameters.get(k);
            if (p.hasGrad()) {
                norm.parameter = p;
                p.readGrad(norm);
            }
        }
        return norm.largest * Math.sqrt(norm.sumOfScaledSquares);
    }

    /**
     * The two passes of {@link #globalNorm}: first the largest magnitude (and the check for non-finite elements),
     * then the sum of squares of the elements scaled by it.
     */
    private static final class GlobalNorm implements Parameter.Reader {
        Parameter parameter;
        boolean summing;
        double largest;
        double sumOfScaledSquares;

        @Override
        public void read(double[] g) {
            if (summing) {
                double scale = largest;
                double sum = sumOfScaledSquares;
                for (int i = 0; i < g.length; i++) {
                    double scaled = g[i] / scale;
                    sum += scaled * scaled;
                }
                sumOfScaledSquares = sum;
                return;
            }
            double max = largest;
            for (int i = 0; i < g.length; i++) {
                double a = Math.abs(g[i]);
                if (!(a <= Double.MAX_VALUE)) {
                    Parameter p = parameter;
                    throw new NonFiniteGradientException(p.name(), Layout.rowOf(i, p.shape()), Layout.columnOf(i, p.shape()), g[i],
                            "the global-norm computation");
                }
                max = Math.max(max, a);
            }
            largest = max;
        }
    }

    /**
     * Scales all gradients by one common factor {@code maxNorm / norm} when their global L2 norm exceeds
     * {@code maxNorm}, so that afterwards it equals {@code maxNorm} (up to rounding); leaves them untouched
     * otherwise. Unlike PyTorch's {@code clip_grad_norm_} no 1e-6 is added to the norm.
     *
     * @param maxNorm finite and {@code > 0}
     * @return the global norm before clipping
     * @throws NonFiniteGradientException if any gradient element is NaN or ±∞ (no gradient is changed then)
     */
    public static double clipByGlobalNorm(List<Parameter> parameters, double maxNorm) {
        if (!(maxNorm > 0) || !Double.isFinite(maxNorm)) {
            throw new IllegalArgumentException("clipByGlobalNorm: maxNorm must be a finite number > 0, got "
                    + maxNorm);
        }
        double norm = globalNorm(parameters);
        if (norm > maxNorm) {
            double factor = maxNorm / norm;
            Parameter.GradientUpdate scale = g -> {
                for (int i = 0; i < g.length; i++) {
                    g[i] *= factor;
                }
            };
            for (int k = 0, n = parameters.size(); k < n; k++) {
                Parameter p = parameters.get(k);
                if (p.hasGrad()) {
                    p.updateGrad(scale);
                }
            }
        }
        return norm;
    }

    /**
     * Clamps every gradient element into {@code [−limit, limit]}; ±∞ becomes ±limit.
     *
     * @param limit finite and {@code > 0}
     * @throws NonFiniteGradientException if an element is NaN (clamping cannot repair it); elements of earlier
     *         parameters in the list may already be clamped then
     */
    public static void clipByValue(List<Parameter> parameters, double limit) {
        if (!(limit > 0) || !Double.isFinite(limit)) {
            throw new IllegalArgumentException("clipByValue: limit must be a finite number > 0, got " + limit);
        }
        for (int k = 0, n = parameters.size(); k < n; k++) {
            Parameter p = parameters.get(k);
            if (!p.hasGrad()) {
                continue;
            }
            p.updateGrad(g -> {
                for (int i = 0; i < g.length; i++) {
                    double x = g[i];
                    if (x != x) {
                        throw new NonFiniteGradientException(p.name(), Layout.rowOf(i, p.shape()), Layout.columnOf(i, p.shape()), x, "clipByValue");
                    }
                    g[i] = Math.max(-limit, Math.min(limit, x));
                }
            });
        }
    }
}
