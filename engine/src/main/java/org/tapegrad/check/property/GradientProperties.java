package org.tapegrad.check.property;

import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.Objects;
import java.util.function.Function;

import org.quicktheories.core.Gen;
import org.tapegrad.check.GradientCheck;
import org.tapegrad.check.GradientCheckReport;

/**
 * A gradient property of the user's own code over random sizes: for every case QuickTheories draws ({@link Sizes}),
 * the subject built for those sizes must pass a {@link GradientCheck}. A failure is shrunk to the smallest sizes that
 * still fail and reported with them, the gradient check's worst element and the seed that replays it
 * ({@code -DQT_SEED=…}). Needs {@code org.quicktheories:quicktheories} on the test class path.
 *
 * <pre>{@code
 * GradientProperties.forSubjects(sizes -> {
 *         Parameter w = …(sizes.inputs(), sizes.hidden(), new Random(sizes.seed()));
 *         return Subject.of(tape -> tape.param(x).matmul(tape.param(w)).tanh(), x, w);
 *     })
 *     .batch(1, 4).inputs(1, 5).hidden(1, 5)
 *     .check();
 * }</pre>
 */
public final class GradientProperties {

    private final Function<Sizes, Subject> subjects;
    private int[] batch = {1, 4};
    private int[] steps = {1, 4};
    private int[] inputs = {1, 4};
    private int[] hidden = {1, 4};
    private int examples = 50;
    private long seed = 20260;
    private double absoluteTolerance = 1e-6;
    private double relativeTolerance = 1e-5;
    private GradientCheck.Mode mode = GradientCheck.Mode.FULL;

    private GradientProperties(Function<Sizes, Subject> subjects) {
        this.subjects = Objects.requireNonNull(subjects, "subjects");
    }

    /** A property over the subjects {@code factory} builds for random sizes. */
    public static GradientProperties forSubjects(Function<Sizes, Subject> factory) {
        return new GradientProperties(factory);
    }

    /** Range of {@link Sizes#batch()} (default 1..4). */
    public GradientProperties batch(int min, int max) {
        batch = range("batch", min, max);
        return this;
    }

    /** Range of {@link Sizes#steps()} (default 1..4). */
    public GradientProperties steps(int min, int max) {
        steps = range("steps", min, max);
        return this;
    }

    /** Range of {@link Sizes#inputs()} (default 1..4). */
    public GradientProperties inputs(int min, int max) {
        inputs = range("inputs", min, max);
        return this;
    }

    /** Range of {@link Sizes#hidden()} (default 1..4). */
    public GradientProperties hidden(int min, int max) {
        hidden = range("hidden", min, max);
        return this;
    }

    /** Number of cases (default 50). */
    public GradientProperties examples(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("examples must be at least 1, got " + n);
        }
        examples = n;
        return this;
    }

    /** Seed of the cases (default fixed, so runs repeat); {@code -DQT_SEED=…} overrides it. */
    public GradientProperties seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** Tolerances of each case's {@link GradientCheck} (defaults 1e-6, 1e-5). */
    public GradientProperties tolerance(double absolute, double relative) {
        if (!(absolute >= 0) || !(relative >= 0)) {
            throw new IllegalArgumentException("tolerances must be non-negative, got " + absolute + ", " + relative);
        }
        absoluteTolerance = absolute;
        relativeTolerance = relative;
        return this;
    }

    /** How each case probes the numeric gradient (default {@link GradientCheck.Mode#FULL}). */
    public GradientProperties mode(GradientCheck.Mode mode) {
        this.mode = Objects.requireNonNull(mode, "mode");
        return this;
    }

    /** The sizes this property draws, for use with QuickTheories directly. */
    public Gen<Sizes> sizes() {
        return integers().between(batch[0], batch[1]).zip(integers().between(steps[0], steps[1]),
                integers().between(inputs[0], inputs[1]), integers().between(hidden[0], hidden[1]),
                longs().between(0, 1L << 20), Sizes::new);
    }

    /**
     * Runs every case.
     *
     * @throws AssertionError with the smallest failing sizes, the gradient check's report and the seed
     */
    public void check() {
        Theories.check(seed, examples, sizes(), s -> {
            Subject subject = subjects.apply(s);
            GradientCheckReport report = GradientCheck.of(subject.function(), subject.parameters())
                    .tolerance(absoluteTolerance, relativeTolerance).mode(mode).seed(s.seed()).run();
            if (!report.passed()) {
                throw new AssertionError(report.toString());
            }
        });
    }

    /**
     * Runs every case in float32 instead: the float32 tape's output and gradients match the float64 tape's on the
     * same function and inputs within {@code relativeTolerance} ({@link PrecisionComparison}; ~1e-4 for a few
     * steps of a cell).
     *
     * @throws AssertionError with the smallest failing sizes, the worst difference and the seed
     */
    public void checkFloat32(double relativeTolerance) {
        Theories.check(seed, examples, sizes(), s -> {
            String failure = PrecisionComparison.float32AgainstFloat64(subjects.apply(s), s.seed(), relativeTolerance);
            if (failure != null) {
                throw new AssertionError(failure);
            }
        });
    }

    private static int[] range(String what, int min, int max) {
        if (min < 1 || max < min) {
            throw new IllegalArgumentException(what + ": expected 1 ≤ min ≤ max, got " + min + ".." + max);
        }
        return new int[] {min, max};
    }
}
