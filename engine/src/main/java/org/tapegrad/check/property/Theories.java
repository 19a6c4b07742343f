package org.tapegrad.check.property;

import java.util.function.Consumer;

import org.quicktheories.QuickTheory;
import org.quicktheories.core.Configuration;
import org.quicktheories.core.Gen;

/**
 * QuickTheories set up for reproducible runs: a fixed seed, so CI sees the same cases every time. QuickTheories' own
 * system properties still win: {@code -DQT_SEED=…} (the seed a failure report prints) replays or varies the cases,
 * {@code QT_EXAMPLES}, {@code QT_SHRINKS} and {@code QT_ATTEMPTS} replace the counts (Surefire passes {@code -D}
 * options of the Maven command line on to the test JVM).
 */
public final class Theories {

    /**
     * Shrink attempts per failure: enough for a case of a few matrices to reach its smallest shape (QuickTheories'
     * default, 100 per example, can take hours on gradient checks).
     */
    static final int SHRINK_CYCLES = 2000;

    /** Generation attempts per case when assumptions reject values (QuickTheories' default 10 is tight for filters). */
    static final int GENERATE_ATTEMPTS = 100;

    private Theories() {
    }

    /** {@code qt()} with {@code seed}, or with {@code -DQT_SEED=…} when given; {@code examples} cases. */
    public static QuickTheory reproducible(long seed, int examples) {
        QuickTheory qt = QuickTheory.qt();
        if (System.getProperty(Configuration.SEED) == null) {
            qt = qt.withFixedSeed(seed);
        }
        if (System.getProperty(Configuration.EXAMPLES) == null) {
            qt = qt.withExamples(examples);
        }
        if (System.getProperty(Configuration.SHRINKS) == null) {
            qt = qt.withShrinkCycles(SHRINK_CYCLES);
        }
        if (System.getProperty(Configuration.GENERATE_ATTEMPTS) == null) {
            qt = qt.withGenerateAttempts(GENERATE_ATTEMPTS);
        }
        return qt;
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
