package org.tapegrad.examples.io;

import java.math.BigDecimal;
import java.math.MathContext;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where an axis gets its ticks and what they say: a pure function of the axis range and of how many labels fit.
 *
 * <p>A linear axis gets multiples of the smallest step from 1, 2, 5, 10, 20, 50, … (times any power of ten) that
 * leaves at most {@code maxTicks} ticks. A logarithmic axis, given as the range of {@code log₁₀ y}, gets whole
 * decades every 1, 2, 5, 10, 20, 50, … decades, labelled as powers of ten ({@code 1e-40}, {@code 0.01}); when the
 * range is too short to hold two whole decades it falls back to 1…9 or else 1-2-5 times a power of ten.
 */
public final class AxisTicks {

    /** Tick positions in axis units ({@code log₁₀ y} on a log axis), ascending, with their labels. */
    public record Ticks(double[] positions, String[] labels) {

        /** Number of ticks. */
        public int size() {
            return positions.length;
        }
    }

    private static final double[] NICE = {1, 2, 5};

    private AxisTicks() {
    }

    /**
     * Ticks of a linear axis over {@code [min, max]}: the finest step of the form {1, 2, 5}·10^k giving at most
     * {@code max(2, maxTicks)} ticks.
     */
    public static Ticks linear(double min, double max, int maxTicks) {
        checkRange(min, max, maxTicks);
        if (min == max) {
            return new Ticks(new double[] {min}, new String[] {decimal(min, 0)});
        }
        int exponent = (int) Math.floor(Math.log10((max - min) / maxTicks)) - 1;
        while (true) {
            for (double m : NICE) {
                double step = m * Math.pow(10, exponent);
                double[] positions = multiples(min, max, step);
                if (positions.length <= Math.max(2, maxTicks)) {
                    int decimals = Math.max(0, -exponent);
                    String[] labels = new String[positions.length];
                    for (int i = 0; i < labels.length; i++) {
                        labels[i] = decimal(positions[i], decimals);
                    }
                    return new Ticks(positions, labels);
                }
            }
            exponent++;
        }
    }

    /**
     * Ticks of a logarithmic axis whose {@code log₁₀} spans {@code [minLog, maxLog]}: whole decades every 1, 2, 5,
     * 10, 20, 50, … decades, the finest step giving at most {@code maxTicks} ticks; over less than about two decades,
     * 1…9 or else 1-2-5 times powers of ten instead, whichever is finest without crowding.
     */
    public static Ticks logarithmic(double minLog, double maxLog, int maxTicks) {
        checkRange(minLog, maxLog, maxTicks);
        for (int decadeStep = 1; ; decadeStep = nextNice(decadeStep)) {
            double[] positions = multiples(minLog, maxLog, decadeStep);
            if (positions.length <= Math.max(2, maxTicks)) {
                if (positions.length >= 2 || decadeStep > 1) {
                    return logTicks(positions);
                }
                break; // less than two whole decades in range: label inside the decades
            }
        }
        // These ticks are unevenly spaced: the closest pair (2 and 5 are log₁₀ 2.5 apart, 9 and 10 only log₁₀ 10/9)
        // must still be as far apart as maxTicks evenly spaced ticks would be.
        double needed = (maxLog - minLog) / Math.max(2, maxTicks);
        for (int[] mantissas : new int[][] {{1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 2, 5}}) {
            double[] positions = mantissaPositions(minLog, maxLog, mantissas);
            double closest = mantissas.length == 3 ? Math.log10(2) : Math.log10(10.0 / 9);
            if (positions.length >= 2 && closest >= needed) {
                return logTicks(positions);
            }
        }
        // Under a factor of about 1.2 from end to end: plain decimal ticks on log₁₀ y, labelled with y itself.
        Ticks inner = linear(minLog, maxLog, maxTicks);
        return logTicks(inner.positions());
    }

    /** The label of a tick at {@code log₁₀ y = v}: {@code 1e-40}, {@code 0.01}, {@code 100}, {@code 2e-5}, {@code 3.2e-5}. */
    public static String powerOfTen(double v) {
        double rounded = Math.rint(v);
        if (Math.abs(v - rounded) < 1e-9) {
            int k = (int) rounded;
            if (k >= -3 && k <= 3) {
                return new BigDecimal("1E" + k).stripTrailingZeros().toPlainString();
            }
            return "1e" + k;
        }
        double y = Math.pow(10, v);
        if (y >= 1e-3 && y < 1e4) {
            return new BigDecimal(y).round(new MathContext(2)).stripTrailingZeros().toPlainString();
        }
        // "2.0e-05" → "2e-5", "3.2e+07" → "3.2e7": as short as the value allows.
        return String.format(Locale.ROOT, "%.1e", y).replace(".0e", "e").replaceAll("e([+-])0*(\\d)", "e$1$2").replace("e+", "e");
    }

    private static Ticks logTicks(double[] positions) {
        String[] labels = new String[positions.length];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = powerOfTen(positions[i]);
        }
        return new Ticks(positions, labels);
    }

    /** log₁₀(m·10^d) for every mantissa m and decade d with the value inside the range. */
    private static double[] mantissaPositions(double minLog, double maxLog, int[] mantissas) {
        List<Double> out = new ArrayList<>();
        for (long d = (long) Math.floor(minLog) - 1; d <= (long) Math.ceil(maxLog); d++) {
            for (int m : mantissas) {
                double p = d + Math.log10(m);
                if (p >= minLog - 1e-9 && p <= maxLog + 1e-9) {
                    out.add(p);
                }
            }
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** 1, 2, 5, 10, 20, 50, 100, … */
    private static int nextNice(int step) {
        int magnitude = 1;
        while (step >= 10 * magnitude) {
            magnitude *= 10;
        }
        int m = step / magnitude;
        return m == 1 ? 2 * magnitude : m == 2 ? 5 * magnitude : 10 * magnitude;
    }

    /** Multiples of {@code step} inside {@code [min, max]}, computed as integers times the step (no drift). */
    private static double[] multiples(double min, double max, double step) {
        long first = (long) Math.ceil(min / step - 1e-9);
        long last = (long) Math.floor(max / step + 1e-9);
        if (last - first > 10_000) {
            return new double[10_001];
        }
        double[] out = new double[(int) Math.max(0, last - first + 1)];
        for (int i = 0; i < out.length; i++) {
            out[i] = (first + i) * step;
        }
        return out;
    }

    /** {@code v} rounded to {@code decimals} places, trailing zeros dropped ({@code 9}, {@code 9.5}), never {@code -0}. */
    private static String decimal(double v, int decimals) {
        DecimalFormat f = new DecimalFormat(decimals == 0 ? "#,##0" : "#,##0." + "#".repeat(decimals), DecimalFormatSymbols.getInstance(Locale.ROOT));
        String s = f.format(v);
        return s.equals("-0") ? "0" : s;
    }

    private static void checkRange(double min, double max, int maxTicks) {
        if (!Double.isFinite(min) || !Double.isFinite(max) || min > max) {
            throw new IllegalArgumentException("axis range must be finite with min <= max, got [" + min + ", " + max + "]");
        }
        if (maxTicks < 1) {
            throw new IllegalArgumentException("maxTicks must be positive, got " + maxTicks);
        }
    }
}
