package org.tapegrad.check.property;

import java.util.function.Consumer;

import org.quicktheories.QuickTheory;
import org.quicktheories.core.Configuration;
import org.quicktheories.core.Gen;

/**
 * QuickTheories set up for reproducible runs: a fixed seed, so CI sees the same cases every time, unless the system
 * property {@code QT_SEED} (QuickTheories' own) asks for another one. Failures name the seed that replays them.
 */
public final class Theories {

    /** Shrink attempts per failure: enough for a case of a few matrices to reach its smallest shape. */
    static final int SHRINK_CYCLES = 2000;

    private Theories() {
    }

    /** {@code qt()} with {@code seed}, or with {@code -DQT_SEED=…} when given; {@code examples} cases. */
    public static QuickTheory reproducible(long seed, int examples) {
        QuickTheory qt = QuickTheory.qt().withExamples(examples).withShrinkCycles(SHRINK_CYCLES);
        return System.getProperty(Configuration.SEED) == null ? qt.withFixedSeed(seed) : qt;
    }

    /**
     * Checks {@code property} for {@code examples} cases drawn from {@code cases}.
     *
     * @throws AssertionError QuickTheories' report (the shrunk case, its cause) followed by the seed to replay it
     */
    public static <T> void check(long seed, int examples, Gen<T> cases, Consumer<T> property) {
        try {
            reproducible(seed, examples).forAll(cases).checkAssert(property);
        } catch (AssertionError e) {
            String used = System.getProperty(Configuration.SEED, Long.toString(seed));
            AssertionError withSeed = new AssertionError(e.getMessage().strip() + "\nReplay with -D" + Configuration.SEED + "=" + used,
                    e.getCause());
            withSeed.setStackTrace(e.getStackTrace());
            throw withSeed;
        }
    }
}
