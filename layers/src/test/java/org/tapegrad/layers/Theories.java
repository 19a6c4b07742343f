package org.tapegrad.layers;

import java.util.List;

import org.quicktheories.QuickTheory;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.tapegrad.check.property.TapegradGenerators;

/**
 * QuickTheories set up for this module's property tests, and the generators they share.
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
     * Decimals with {@code scale} digits after the point in {@code [min, max]}, as doubles: the domain of this
     * module's properties before QuickTheories (two digits unless a property says otherwise); the engine's
     * {@link TapegradGenerators#decimals}. Shrinks towards 0, or the bound nearest to it.
     */
    public static Gen<Double> decimals(double min, double max, int scale) {
        return TapegradGenerators.decimals(min, max, scale);
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
