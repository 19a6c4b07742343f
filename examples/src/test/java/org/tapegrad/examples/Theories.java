package org.tapegrad.examples;

import org.quicktheories.QuickTheory;
import org.quicktheories.core.Gen;
import org.tapegrad.check.property.TapegradGenerators;

/**
 * QuickTheories set up for this module's property tests (the same as the layers module's test helper of that name).
 *
 * <p>{@link #qt(int)} is the engine's {@link org.tapegrad.check.property.Theories#reproducible} with this module's
 * seed, so that every run (CI included) draws the same examples. QuickTheories' own system properties still win over
 * what is written here: {@code -DQT_SEED=...} (the seed printed as "Seed was ..." in a failure report) replays or
 * varies the examples, and {@code QT_EXAMPLES}, {@code QT_SHRINKS}, {@code QT_ATTEMPTS} replace the counts. Surefire
 * passes {@code -D} options of the Maven command line on to the test JVM.
 */
public final class Theories {

    /** The seed of every theory unless {@code QT_SEED} is set. */
    public static final long SEED = 20_260_101L;

    private Theories() {
    }

    /** A theory over {@code examples} examples, reproducible from {@link #SEED}. */
    public static QuickTheory qt(int examples) {
        return org.tapegrad.check.property.Theories.reproducible(SEED, examples);
    }

    /**
     * Decimals with {@code scale} digits after the point in {@code [min, max]}, as doubles (the engine's
     * {@link TapegradGenerators#decimals}): the domain of this module's properties before QuickTheories (two digits).
     * Shrinks towards 0, or the bound nearest to it.
     */
    public static Gen<Double> decimals(double min, double max, int scale) {
        return TapegradGenerators.decimals(min, max, scale);
    }
}
