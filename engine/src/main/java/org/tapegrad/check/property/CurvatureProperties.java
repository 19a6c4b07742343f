package org.tapegrad.check.property;

import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Function;

import org.quicktheories.core.Gen;
import org.tapegrad.tape.Curvature;
import org.tapegrad.tape.GaussNewton;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.ParameterVectors;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * The curvature properties of a scalar function of parameters over random sizes ({@link Sizes}), for the user's own
 * models as for the built-in ones:
 * <ul>
 *   <li>{@link #hessianVectorsMatchGradientDifferences}: {@code H·v} matches {@code (∇f(θ + εv) − ∇f(θ − εv)) / 2ε};
 *   <li>{@link #gaussNewtonIsSymmetricPositiveSemidefinite}: {@code ⟨u, G·v⟩ = ⟨v, G·u⟩} and {@code ⟨v, G·v⟩ ≥ 0}
 *       (with damped states too, when the subject names them).
 * </ul>
 * Directions are drawn from the case's seed.
 */
public final class CurvatureProperties {

    /** Central-difference step for gradients. */
    static final double EPSILON = 1e-5;

    /** What one case checks: the objective (loss and damped states) and the parameters. */
    public record CurvatureSubject(Function<Tape, GaussNewton.Objective> objective, List<Parameter> parameters) {
        public CurvatureSubject {
            Objects.requireNonNull(objective, "objective");
            parameters = List.copyOf(parameters);
        }

        Var loss(Tape tape) {
            return objective.apply(tape).loss();
        }
    }

    private final Function<Sizes, CurvatureSubject> subjects;
    private int[] batch = {1, 3};
    private int[] steps = {1, 4};
    private int[] inputs = {1, 3};
    private int[] hidden = {1, 3};
    private int examples = 10;
    private long seed = 20261;

    private CurvatureProperties(Function<Sizes, CurvatureSubject> subjects) {
        this.subjects = Objects.requireNonNull(subjects, "subjects");
    }

    /** The properties of the subjects {@code factory} builds for random sizes. */
    public static CurvatureProperties forSubjects(Function<Sizes, CurvatureSubject> factory) {
        return new CurvatureProperties(factory);
    }

    /** Ranges of the sizes: batch, steps, inputs, hidden (defaults 1..3, 1..4, 1..3, 1..3). */
    public CurvatureProperties sizes(int maxBatch, int maxSteps, int maxInputs, int maxHidden) {
        batch = new int[] {1, maxBatch};
        steps = new int[] {1, maxSteps};
        inputs = new int[] {1, maxInputs};
        hidden = new int[] {1, maxHidden};
        return this;
    }

    /** Number of cases (default 10). */
    public CurvatureProperties examples(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("examples must be at least 1, got " + n);
        }
        examples = n;
        return this;
    }

    /** Seed of the cases; {@code -DQT_SEED=…} overrides it. */
    public CurvatureProperties seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** {@code H·v} against central differences of the gradient, within {@code 1e-5 + 1e-4·|H·v|} per element. */
    public void hessianVectorsMatchGradientDifferences() {
        Theories.check(seed, examples, sizes(), s -> {
            CurvatureSubject subject = subjects.apply(s);
            List<Parameter> params = subject.parameters();
            double[] v = direction(params, s.seed());
            double[] hv = Curvature.hessianVector(subject::loss, params, v);
            double[] theta = ParameterVectors.values(params);
            double[] plus = gradientAt(subject, shifted(theta, v, EPSILON));
            double[] minus = gradientAt(subject, shifted(theta, v, -EPSILON));
            ParameterVectors.assign(params, theta);
            for (int i = 0; i < hv.length; i++) {
                double numeric = (plus[i] - minus[i]) / (2 * EPSILON);
                if (!(Math.abs(hv[i] - numeric) <= 1e-5 + 1e-4 * Math.max(Math.abs(hv[i]), Math.abs(numeric)))) {
                    throw new AssertionError("H·v[" + i + "] = " + hv[i] + " but the difference of gradients gives " + numeric + " at " + s);
                }
            }
        });
    }

    /** {@code G} (with damped states at weight 0.7 when named) is symmetric and positive semi-definite on random pairs. */
    public void gaussNewtonIsSymmetricPositiveSemidefinite() {
        Theories.check(seed, examples, sizes(), s -> {
            CurvatureSubject subject = subjects.apply(s);
            List<Parameter> params = subject.parameters();
            GaussNewton g = GaussNewton.withStates(subject.objective(), params);
            for (double weight : new double[] {0.0, 0.7}) {
                double[] u = direction(params, s.seed() * 7 + 1);
                double[] v = direction(params, s.seed() * 7 + 2);
                double[] gu = g.product(u, weight);
                double[] gv = g.product(v, weight);
                double uGv = dot(u, gv);
                double vGu = dot(v, gu);
                double scale = Math.abs(uGv) + Math.abs(vGu) + 1e-300;
                if (!(Math.abs(uGv - vGu) <= 1e-10 * (1 + scale))) {
                    throw new AssertionError("⟨u, G·v⟩ = " + uGv + " but ⟨v, G·u⟩ = " + vGu + " (state weight " + weight + ") at " + s);
                }
                double vGv = dot(v, gv);
                if (!(vGv >= -1e-12 * (1 + dot(v, v)))) {
                    throw new AssertionError("⟨v, G·v⟩ = " + vGv + " < 0 (state weight " + weight + ") at " + s);
                }
            }
        });
    }

    private Gen<Sizes> sizes() {
        return integers().between(batch[0], batch[1]).zip(integers().between(steps[0], steps[1]),
                integers().between(inputs[0], inputs[1]), integers().between(hidden[0], hidden[1]),
                longs().between(0, 1L << 20), Sizes::new);
    }

    private static double[] gradientAt(CurvatureSubject subject, double[] theta) {
        ParameterVectors.assign(subject.parameters(), theta);
        Tape tape = new Tape();
        return ParameterVectors.flatten(tape.gradients(subject.loss(tape), null), subject.parameters());
    }

    private static double[] direction(List<Parameter> params, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] v = new double[ParameterVectors.size(params)];
        for (int i = 0; i < v.length; i++) {
            v[i] = random.nextDouble(-1, 1);
        }
        return v;
    }

    private static double[] shifted(double[] x, double[] v, double step) {
        double[] y = x.clone();
        for (int i = 0; i < y.length; i++) {
            y[i] += step * v[i];
        }
        return y;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
