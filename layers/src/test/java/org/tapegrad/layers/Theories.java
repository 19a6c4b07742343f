package org.tapegrad.layers;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.List;

import org.quicktheories.QuickTheory;
import org.quicktheories.core.Configuration;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * QuickTheories set up for this module's property tests, and the generators they share.
 *
 * <p>{@link #qt(int)} is {@code QuickTheory.qt()} with a fixed seed, so that every run (CI included) draws the same
 * examples. QuickTheories' own system properties still win over what is written here: {@code -DQT_SEED=...} (the
 * seed printed as "Seed was ..." in a failure report) replays or varies the examples, and {@code QT_EXAMPLES},
 * {@code QT_SHRINKS}, {@code QT_ATTEMPTS} replace the counts. Surefire passes {@code -D} options of the Maven command
 * line on to the test JVM.
 */
public final class Theories {

    /** The seed of every theory unless {@code QT_SEED} is set. */
    public static final long SEED = 20_260_101L;

    /** Shrink cycles after a failure (QuickTheories' own default, 100 per example of a 1000-example run, can take hours here). */
    static final int SHRINK_CYCLES = 2_000;

    /** Generation attempts per example when assumptions reject values (QuickTheories' default 10 is tight for filters). */
    static final int GENERATE_ATTEMPTS = 100;

    private Theories() {
    }

    /** A theory over {@code examples} examples, reproducible from {@link #SEED}. */
    public static QuickTheory qt(int examples) {
        QuickTheory theory = QuickTheory.qt();
        if (System.getProperty(Configuration.SEED) == null) {
            theory = theory.withFixedSeed(SEED);
        }
        if (System.getProperty(Configuration.EXAMPLES) == null) {
            theory = theory.withExamples(examples);
        }
        if (System.getProperty(Configuration.SHRINKS) == null) {
            theory = theory.withShrinkCycles(SHRINK_CYCLES);
        }
        if (System.getProperty(Configuration.GENERATE_ATTEMPTS) == null) {
            theory = theory.withGenerateAttempts(GENERATE_ATTEMPTS);
        }
        return theory;
    }

    /**
     * Decimals with {@code scale} digits after the point in {@code [min, max]}, as doubles: the domain of this
     * module's properties before QuickTheories (two digits unless a property says otherwise). Shrinks towards 0, or
     * the bound nearest to it. Unlike {@code doubles().between(min, max)}, which draws any double and shrinks
     * towards {@code min}.
     *
     * <p>A range whose count of steps does not fit a long must be symmetric ({@code min = −max}); its magnitude is
     * drawn uniformly and rounded to the scale (a no-op beyond 2⁵³ units).
     */
    public static Gen<Double> decimals(double min, double max, int scale) {
        BigDecimal lo = BigDecimal.valueOf(min).setScale(scale, RoundingMode.CEILING);
        BigDecimal hi = BigDecimal.valueOf(max).setScale(scale, RoundingMode.FLOOR);
        if (lo.compareTo(hi) > 0) {
            throw new IllegalArgumentException("no decimal of scale " + scale + " in [" + min + ", " + max + "]");
        }
        BigInteger from = lo.unscaledValue();
        BigInteger to = hi.unscaledValue();
        if (to.subtract(from).bitLength() < 63 && from.bitLength() < 63 && to.bitLength() < 63) {
            long a = from.longValueExact();
            long b = to.longValueExact();
            return Generate.longRange(a, b, Math.max(a, Math.min(b, 0)))
                    .map(units -> BigDecimal.valueOf(units, scale).doubleValue());
        }
        if (min != -max) {
            throw new IllegalArgumentException("a range this wide must be symmetric: [" + min + ", " + max + "]");
        }
        Gen<Boolean> negative = Generate.booleans();
        Gen<Double> magnitude = Generate.longRange(0, 1L << 53).map(bits -> round(bits * 0x1.0p-53 * max, scale, max));
        return negative.zip(magnitude, (minus, m) -> minus ? -m : m);
    }

    private static double round(double x, int scale, double max) {
        if (Math.abs(x) >= 0x1.0p53) {
            return Math.min(x, max);
        }
        return Math.min(BigDecimal.valueOf(x).setScale(scale, RoundingMode.HALF_EVEN).doubleValue(), max);
    }

    /** Arrays of exactly {@code length} values, described element by element in failure reports. */
    public static Gen<double[]> doubleArrays(Gen<Double> values, int length) {
        Gen<double[]> gen = in -> {
            double[] a = new double[length];
            for (int i = 0; i < length; i++) {
                a[i] = values.generate(in);
            }
            return a;
        };
        return gen.describedAs(java.util.Arrays::toString);
    }

    /** Strings of {@code minLength..maxLength} characters, each one of {@code chars}; shrinks towards the first. */
    public static Gen<String> strings(String chars, int minLength, int maxLength) {
        List<Character> alphabet = chars.chars().mapToObj(c -> (char) c).toList();
        Gen<Integer> lengths = Generate.range(minLength, maxLength);
        Gen<Character> each = Generate.pick(alphabet);
        Gen<String> gen = in -> {
            int n = lengths.generate(in);
            StringBuilder s = new StringBuilder(n);
            for (int i = 0; i < n; i++) {
                s.append(each.generate(in));
            }
            return s.toString();
        };
        return gen.describedAs(s -> '"' + s + '"');
    }
}
