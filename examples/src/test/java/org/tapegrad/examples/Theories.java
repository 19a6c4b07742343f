package org.tapegrad.examples;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

import org.quicktheories.QuickTheory;
import org.quicktheories.core.Configuration;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * QuickTheories set up for this module's property tests (the same as the layers module's test helper of that name).
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

    /** Shrink cycles after a failure (QuickTheories' own default is 100 per example of a 1000-example run). */
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
     * module's properties before QuickTheories (two digits). Shrinks towards 0, or the bound nearest to it. Unlike
     * {@code doubles().between(min, max)}, which draws any double and shrinks towards {@code min}.
     */
    public static Gen<Double> decimals(double min, double max, int scale) {
        BigDecimal lo = BigDecimal.valueOf(min).setScale(scale, RoundingMode.CEILING);
        BigDecimal hi = BigDecimal.valueOf(max).setScale(scale, RoundingMode.FLOOR);
        if (lo.compareTo(hi) > 0) {
            throw new IllegalArgumentException("no decimal of scale " + scale + " in [" + min + ", " + max + "]");
        }
        BigInteger from = lo.unscaledValue();
        BigInteger to = hi.unscaledValue();
        if (to.subtract(from).bitLength() >= 63 || from.bitLength() >= 63 || to.bitLength() >= 63) {
            throw new IllegalArgumentException("too many decimals of scale " + scale + " in [" + min + ", " + max + "]");
        }
        long a = from.longValueExact();
        long b = to.longValueExact();
        return Generate.longRange(a, b, Math.max(a, Math.min(b, 0)))
                .map(units -> BigDecimal.valueOf(units, scale).doubleValue());
    }
}
