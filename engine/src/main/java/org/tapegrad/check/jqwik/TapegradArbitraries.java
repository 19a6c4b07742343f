package org.tapegrad.check.jqwik;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.tapegrad.tape.Shape;

/**
 * jqwik generators for property-testing gradients: shapes and well-conditioned values. They shrink towards small
 * shapes and simple values, so a failing property reports a small counterexample. Needs {@code net.jqwik:jqwik} on
 * the test class path (the engine declares it optional).
 *
 * <pre>{@code
 * @Property
 * void tanhMatchesFiniteDifferences(@ForAll("matrices") double[][] x) { ... }
 *
 * @Provide
 * Arbitrary<double[][]> matrices() { return TapegradArbitraries.matrices(8, 8); }
 * }</pre>
 */
public final class TapegradArbitraries {

    private TapegradArbitraries() {
    }

    /** Shapes from {@code 1×1} to {@code maxRows×maxCols}. */
    public static Arbitrary<Shape> shapes(int maxRows, int maxCols) {
        return Combinators.combine(Arbitraries.integers().between(1, maxRows), Arbitraries.integers().between(1, maxCols)).as(Shape::new);
    }

    /**
     * Values in {@code [-bound, bound]}, with 4 decimal places so shrinking yields readable numbers; well away from
     * the scale where finite differences lose precision.
     */
    public static Arbitrary<Double> values(double bound) {
        return Arbitraries.doubles().between(-bound, bound).ofScale(4);
    }

    /** Values with {@code min ≤ |v| ≤ max}: for ops with a kink or pole at 0 (relu, division, abs). */
    public static Arbitrary<Double> awayFromZero(double min, double max) {
        return Combinators.combine(Arbitraries.doubles().between(min, max).ofScale(4), Arbitraries.of(-1.0, 1.0)).as((m, s) -> m * s);
    }

    /** Strictly positive values in {@code [min, max]}: for log, division, square roots. */
    public static Arbitrary<Double> positive(double min, double max) {
        return Arbitraries.doubles().between(min, max).ofScale(4);
    }

    /** A row-major {@code rows×cols} matrix of values drawn from {@code elements}. */
    public static Arbitrary<double[][]> matrix(Shape shape, Arbitrary<Double> elements) {
        return elements.array(double[].class).ofSize(shape.cols()).array(double[][].class).ofSize(shape.rows());
    }

    /** A matrix of any shape up to {@code maxRows×maxCols} with values in [-2, 2]. */
    public static Arbitrary<double[][]> matrices(int maxRows, int maxCols) {
        return shapes(maxRows, maxCols).flatMap(s -> matrix(s, values(2.0)));
    }
}
