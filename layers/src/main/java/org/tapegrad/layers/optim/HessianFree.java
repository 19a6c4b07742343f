package org.tapegrad.layers.optim;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;

import org.tapegrad.tape.GaussNewton;
import org.tapegrad.tape.GaussNewton.Objective;
import org.tapegrad.tape.NoGrad;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.ParameterVectors;
import org.tapegrad.tape.Tape;

/**
 * Hessian-free optimisation (Martens 2010; Martens &amp; Sutskever 2011 for recurrent nets): each step minimises a
 * damped quadratic model of the objective by truncated conjugate gradient, using only Gauss-Newton-vector products.
 * One {@link #step}:
 * <ol>
 *   <li>{@code f₀, g ← f(θ), ∇f(θ)} on the gradient batch;
 *   <li>{@code δ ← CG} on {@code (G + λI + λμ·S)·δ = −g}, {@code G} the Gauss-Newton matrix on the curvature batch,
 *       {@code S = Σ_t J_tᵀJ_t} the structural damping of the objective's hidden states (μ = 0: none), started from
 *       {@code ζ·δ_previous} (CG warm start);
 *   <li>CG-backtracking: of the kept CG iterates, the one before which f on the gradient batch stops decreasing,
 *       searched from the last backwards;
 *   <li>Levenberg-Marquardt: {@code ρ = (f(θ + δ) − f(θ)) / q(δ)} with f on the gradient batch and the model that CG
 *       minimised, {@code q(δ) = gᵀδ + ½δᵀGδ} (undamped);
 *       {@code λ ← 3/2·λ} if {@code ρ < 1/4}, {@code λ ← 2/3·λ} if {@code ρ > 3/4};
 *   <li>a backtracking line search on the gradient batch ({@code α ← 0.8·α} until
 *       {@code f(θ + αδ) ≤ f₀ + c·α·gᵀδ}), then {@code θ ← θ + αδ}; no step if none is found.
 * </ol>
 * Defaults are the papers' where they give one: ζ = 0.95, CG up to 250 iterations with relative-progress tolerance
 * 5·10⁻⁴ and iterates kept at ⌈1.3^j⌉, the 3/2 and 2/3 factors at ρ = 1/4 and 3/4, μ = 1/30, c = 10⁻², 0.8 per
 * line-search step; λ₀ = 1. Not done: Martens' diagonal preconditioner (it needs per-example gradients).
 *
 * <p>Not thread-safe; one instance per training run (it carries λ and the previous CG solution).
 */
public final class HessianFree {

    /**
     * @param initialDamping λ₀ ≥ 0
     * @param structuralDamping μ ≥ 0: weight of the hidden-state term relative to λ
     * @param conjugateGradient the inner solver
     * @param warmStart ζ ∈ [0, 1]: the previous solution's share in the next CG start
     * @param armijo c of the line search's sufficient decrease
     * @param shrink the line search's factor per try, in (0, 1)
     * @param lineSearchTries at most this many evaluations
     */
    public record Settings(double initialDamping, double structuralDamping, ConjugateGradient conjugateGradient, double warmStart,
            double armijo, double shrink, int lineSearchTries) {

        public Settings {
            Objects.requireNonNull(conjugateGradient, "conjugateGradient");
            if (!(initialDamping >= 0) || Double.isInfinite(initialDamping)) {
                throw new IllegalArgumentException("hessian-free: the initial damping λ must be finite and ≥ 0, got " + initialDamping);
            }
            if (!(structuralDamping >= 0) || Double.isInfinite(structuralDamping)) {
                throw new IllegalArgumentException("hessian-free: the structural damping μ must be finite and ≥ 0, got " + structuralDamping);
            }
            if (!(warmStart >= 0 && warmStart <= 1)) {
                throw new IllegalArgumentException("hessian-free: the warm start ζ must be in [0, 1], got " + warmStart);
            }
            if (!(armijo >= 0 && armijo < 1) || !(shrink > 0 && shrink < 1) || lineSearchTries < 1) {
                throw new IllegalArgumentException("hessian-free: the line search needs c in [0, 1), a shrink in (0, 1) and ≥ 1 try, got "
                        + armijo + ", " + shrink + ", " + lineSearchTries);
            }
        }

        /** The papers' values (see the class comment). */
        public static Settings defaults() {
            return new Settings(1.0, 1.0 / 30, new ConjugateGradient(250, 5e-4, 1.3), 0.95, 1e-2, 0.8, 60);
        }

        public Settings withInitialDamping(double lambda) {
            return new Settings(lambda, structuralDamping, conjugateGradient, warmStart, armijo, shrink, lineSearchTries);
        }

        public Settings withStructuralDamping(double mu) {
            return new Settings(initialDamping, mu, conjugateGradient, warmStart, armijo, shrink, lineSearchTries);
        }

        public Settings withConjugateGradient(ConjugateGradient cg) {
            return new Settings(initialDamping, structuralDamping, cg, warmStart, armijo, shrink, lineSearchTries);
        }
    }

    /**
     * What one step did.
     *
     * @param lossBefore f₀ on the gradient batch
     * @param lossAfter f after the step on the gradient batch (f₀ when no step was taken)
     * @param reductionRatio ρ
     * @param damping λ used in this step
     * @param cgIterations CG iterations of the chosen iterate
     * @param curvatureProducts Gauss-Newton products made
     * @param stepSize α of the line search (0: rejected)
     */
    public record StepReport(double lossBefore, double lossAfter, double reductionRatio, double damping, int cgIterations,
            int curvatureProducts, double stepSize) {
    }

    private final Settings settings;
    private final Tape evaluation = new Tape();
    private double lambda;
    private double[] previous;

    public HessianFree(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.lambda = settings.initialDamping();
    }

    /** The current damping λ. */
    public double damping() {
        return lambda;
    }

    /**
     * One step on {@code params}.
     *
     * @param gradientBatch the objective whose gradient drives the step (and which the line search decreases)
     * @param curvatureBatch the objective whose Gauss-Newton matrix is the model's curvature (may be the same, usually
     *        a smaller batch); its damped states get the structural damping
     */
    public StepReport step(List<Parameter> params, Function<Tape, Objective> gradientBatch, Function<Tape, Objective> curvatureBatch) {
        double[] theta = ParameterVectors.values(params);
        GaussNewton atGradient = GaussNewton.withStates(gradientBatch, params);
        GaussNewton curvature = gradientBatch == curvatureBatch ? atGradient : GaussNewton.withStates(curvatureBatch, params);
        double f0 = atGradient.value();
        double[] g = atGradient.gradient();
        if (!Double.isFinite(f0)) {
            throw new IllegalStateException("hessian-free: the objective is " + f0 + " at the current parameters (diverged, or bad data)");
        }
        double damping = lambda;
        double stateWeight = damping * settings.structuralDamping();
        int[] products = {0};
        double[] b = new double[g.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = -g[i];
        }
        double[] start = new double[g.length];
        if (previous != null && previous.length == g.length) {
            for (int i = 0; i < start.length; i++) {
                start[i] = settings.warmStart() * previous[i];
            }
        }
        ConjugateGradient.Result cg = settings.conjugateGradient().solve(v -> {
            products[0]++;
            double[] av = curvature.product(v, stateWeight);
            ConjugateGradient.axpy(damping, v, av);
            return av;
        }, b, start);
        previous = cg.solution();

        // CG-backtracking: from the last kept iterate backwards while f keeps decreasing
        List<double[]> iterates = cg.iterates();
        int best = iterates.size() - 1;
        double fBest = valueAt(gradientBatch, params, theta, iterates.get(best), 1.0);
        for (int j = best - 1; j >= 0; j--) {
            double fj = valueAt(gradientBatch, params, theta, iterates.get(j), 1.0);
            if (fj < fBest) {
                best = j;
                fBest = fj;
            } else {
                break;
            }
        }
        double[] delta = iterates.get(best);

        // Levenberg-Marquardt: the model q(δ) = gᵀδ + ½δᵀGδ that CG minimised (undamped), against f on the gradient batch
        products[0]++;
        double model = ConjugateGradient.dot(g, delta) + 0.5 * ConjugateGradient.dot(delta, curvature.product(delta));
        double rho = model < 0 && Double.isFinite(fBest) ? (fBest - f0) / model : Double.NEGATIVE_INFINITY;
        if (rho < 0.25) {
            lambda *= 1.5;
        } else if (rho > 0.75) {
            lambda *= 2.0 / 3.0;
        }

        // line search on the gradient batch
        double slope = ConjugateGradient.dot(g, delta);
        double alpha = 1.0;
        double fAlpha = fBest;
        int tries = 1;
        while (!(fAlpha <= f0 + settings.armijo() * alpha * slope) && tries < settings.lineSearchTries()) {
            alpha *= settings.shrink();
            fAlpha = valueAt(gradientBatch, params, theta, delta, alpha);
            tries++;
        }
        if (!(fAlpha <= f0 + settings.armijo() * alpha * slope) || !(slope < 0)) {
            alpha = 0;
            fAlpha = f0;
        }
        ParameterVectors.assign(params, moved(theta, delta, alpha));
        return new StepReport(f0, fAlpha, rho, damping, cg.iterations().get(best), products[0], alpha);
    }

    /** f at θ + α·δ, without recording gradients (the parameters are left there: the caller assigns the next θ). */
    private double valueAt(Function<Tape, Objective> objective, List<Parameter> params, double[] theta, double[] delta, double alpha) {
        ParameterVectors.assign(params, moved(theta, delta, alpha));
        try (NoGrad ignored = evaluation.noGrad()) {
            double value = objective.apply(evaluation).loss().item();
            return Double.isNaN(value) ? Double.POSITIVE_INFINITY : value;
        } finally {
            evaluation.reset();
        }
    }

    private static double[] moved(double[] theta, double[] delta, double alpha) {
        double[] x = theta.clone();
        ConjugateGradient.axpy(alpha, delta, x);
        return x;
    }
}
