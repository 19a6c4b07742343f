package org.tapegrad.check.property;

import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.List;

import org.quicktheories.core.Gen;
import org.tapegrad.op.Shape;

/**
 * QuickTheories generators for property-testing gradients: shapes and well-conditioned values. Shrinking is
 * integrated (it works on the draws underneath), so a failing property reports a small shape and simple values.
 */
public final class TapegradGenerators {

    private TapegradGenerators() {
    }

    /** Shapes from {@code 1×1} to {@code maxRows×maxCols}; they shrink towards {@code 1×1}. */
    public static Gen<Shape> shapes(int maxRows, int maxCols) {
        return integers().between(1, maxRows).zip(integers().between(1, maxCols), Shape::new);
    }

    /**
     * Values in {@code [-bound, bound]} rounded to 4 decimal places, so shrunk values read well; well away from the
     * scale where finite differences lose precision. Drawn as a magnitude and a sign, so they shrink towards 0.
     */
    public static Gen<Double> values(double bound) {
        return doubles().between(0, bound).zip(integers().between(0, 1), (m, sign) -> fourDecimals(sign == 0 ? m : -m));
    }

    /** Values with {@code min ≤ |v| ≤ max}: for ops with a kink or pole at 0 (relu, division). */
    public static Gen<Double> awayFromZero(double min, double max) {
        return doubles().between(min, max).zip(integers().between(0, 1), (m, sign) -> fourDecimals(sign == 0 ? m : -m))
                .map(v -> Math.abs(v) < min ? Math.copySign(min, v) : v);
    }

    /** Values in {@code [min, max]}, rounded like {@link #values}: for log, division, probabilities. */
    public static Gen<Double> between(double min, double max) {
        return doubles().between(min, max).map(v -> Math.min(max, Math.max(min, fourDecimals(v))));
    }

    /**
     * Decimals with {@code scale} digits after the point in {@code [min, max]}, as doubles; they shrink towards 0 (or
     * the bound nearest to it), unlike {@code doubles().between(min, max)}, which shrinks towards {@code min}.
     *
     * @throws IllegalArgumentException when no such decimal exists or there are more than fit in a long
     */
    public static Gen<Double> decimals(double min, double max, int scale) {
        java.math.BigDecimal lo = java.math.BigDecimal.valueOf(min).setScale(scale, java.math.RoundingMode.CEILING);
        java.math.BigDecimal hi = java.math.BigDecimal.valueOf(max).setScale(scale, java.math.RoundingMode.FLOOR);
        if (lo.compareTo(hi) > 0) {
            throw new IllegalArgumentException("no decimal of scale " + scale + " in [" + min + ", " + max + "]");
        }
        if (lo.unscaledValue().bitLength() >= 63 || hi.unscaledValue().bitLength() >= 63
                || hi.unscaledValue().subtract(lo.unscaledValue()).bitLength() >= 63) {
            throw new IllegalArgumentException("too many decimals of scale " + scale + " in [" + min + ", " + max + "]");
        }
        long a = lo.unscaledValue().longValueExact();
        long b = hi.unscaledValue().longValueExact();
        return org.quicktheories.generators.Generate.longRange(a, b, Math.max(a, Math.min(b, 0)))
                .map(units -> java.math.BigDecimal.valueOf(units, scale).doubleValue());
    }

    /** A row-major {@code rows×cols} matrix of values drawn from {@code elements}. */
    public static Gen<double[][]> matrix(Shape shape, Gen<Double> elements) {
        return lists().of(elements).ofSize(shape.size()).map(flat -> rowMajor(shape, flat));
    }

    /** A matrix of any shape up to {@code maxRows×maxCols} with values in [-2, 2]. */
    public static Gen<double[][]> matrices(int maxRows, int maxCols) {
        return shapes(maxRows, maxCols).flatMap(s -> matrix(s, values(2.0)));
    }

    private static double[][] rowMajor(Shape shape, List<Double> flat) {
        double[][] m = new double[shape.rows()][shape.cols()];
        for (int i = 0; i < shape.rows(); i++) {
            for (int j = 0; j < shape.cols(); j++) {
                m[i][j] = flat.get(i * shape.cols() + j);
            }
        }
        return m;
    }

    private static double fourDecimals(double v) {
        return Math.round(v * 1e4) / 1e4;
    }
}
