package org.tapegrad.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;

import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Both activation kernels give {@link IeeeExp}'s bits for every element, whatever the array's length, offset and
 * contents (vector body, scalar tail and scalar chunks alike), in place too; and the special values come out right.
 * Bits are compared with {@link Double#doubleToLongBits}, which folds NaN payloads: Java leaves those unspecified.
 */
class ActivationKernelTest {

    static List<ActivationKernel> kernels() {
        List<ActivationKernel> all = new ArrayList<>(List.of(new ScalarActivations()));
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            all.add(Kernels.activations("vector"));
        }
        return all;
    }

    enum Fn {
        EXP(IeeeExp::exp), TANH(IeeeExp::tanh), SIGMOID(IeeeExp::sigmoid);

        final DoubleUnaryOperator reference;

        Fn(DoubleUnaryOperator reference) {
            this.reference = reference;
        }

        void apply(ActivationKernel k, double[] x, int xOff, double[] y, int yOff, int n) {
            switch (this) {
                case EXP:
                    k.exp(x, xOff, y, yOff, n);
                    break;
                case TANH:
                    k.tanh(x, xOff, y, yOff, n);
                    break;
                default:
                    k.sigmoid(x, xOff, y, yOff, n);
            }
        }
    }

    /** Any double (every bit pattern: subnormals, ±∞, NaNs), the useful ranges of the three, tiny magnitudes, specials. */
    static Gen<Double> values() {
        Gen<Double> anyBits = longs().all().map(Double::longBitsToDouble);
        Gen<Double> tiny = doubles().between(-60, 0).zip(Generate.booleans(), (e, neg) -> (neg ? -1 : 1) * Math.pow(2, e));
        Gen<Double> specials = Generate.pick(List.of(0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
                Double.MIN_VALUE, -Double.MIN_VALUE, 708.0, -708.0, 350.0, -350.0, 709.782712893384, -745.1332191019411, 19.0625, -37.5));
        return Generate.frequency(
                org.quicktheories.api.Pair.of(3, doubles().between(-8, 8)),
                org.quicktheories.api.Pair.of(2, doubles().between(-40, 40)),
                org.quicktheories.api.Pair.of(1, doubles().between(-760, 720)),
                org.quicktheories.api.Pair.of(1, tiny),
                org.quicktheories.api.Pair.of(1, anyBits),
                org.quicktheories.api.Pair.of(1, specials));
    }

    /**
     * Random arrays of up to 600 elements (so several 256-element chunks, whole vectors and a tail), each mostly in
     * range with, in a third of them, one rare value that sends its chunk through the scalar code.
     */
    @Test
    void everyKernelGivesTheReferenceBitsAtEveryOffsetAndLength() {
        Gen<Double> common = doubles().between(-12, 12);
        Gen<List<Double>> arrays = lists().of(common).ofSizeBetween(0, 600)
                .zip(values(), integers().between(0, 2), (list, rare, where) -> {
                    List<Double> copy = new ArrayList<>(list);
                    if (where == 0 && !copy.isEmpty()) {
                        copy.set(copy.size() / 2, rare);
                    }
                    return copy;
                });
        qt().withFixedSeed(20250101L).withExamples(250).forAll(arrays, integers().between(0, 9))
                .checkAssert((list, offset) -> {
                    double[] x = new double[list.size() + offset];
                    for (int i = 0; i < list.size(); i++) {
                        x[offset + i] = list.get(i);
                    }
                    for (ActivationKernel k : kernels()) {
                        for (Fn fn : Fn.values()) {
                            assertMatchesReference(k, fn, x, offset, list.size());
                        }
                    }
                });
    }

    /**
     * One value outside the vector formulas' range (NaN, ±∞, ±800) at each position of a chunk of 256 and of the
     * shorter one after it: the range check of each chunk sees every element whichever of its running maxima reads it.
     */
    @Test
    void oneOutOfRangeValueAnywhereInAChunk() {
        SplittableRandom random = new SplittableRandom(5);
        double[] base = new double[300];
        for (int i = 0; i < base.length; i++) {
            base[i] = random.nextDouble(-12, 12);
        }
        for (double rare : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 800, -800}) {
            for (int at = 0; at < base.length; at++) {
                double[] x = base.clone();
                x[at] = rare;
                for (ActivationKernel k : kernels()) {
                    for (Fn fn : Fn.values()) {
                        assertMatchesReference(k, fn, x, 0, x.length);
                    }
                }
            }
        }
    }

    /** Arrays made only of arbitrary values (every chunk scalar, and lengths below one vector). */
    @Test
    void arbitraryDoublesEverywhere() {
        qt().withFixedSeed(7L).withExamples(200).forAll(lists().of(values()).ofSizeBetween(0, 40), integers().between(0, 9))
                .checkAssert((list, offset) -> {
                    double[] x = new double[list.size() + offset];
                    for (int i = 0; i < list.size(); i++) {
                        x[offset + i] = list.get(i);
                    }
                    for (ActivationKernel k : kernels()) {
                        for (Fn fn : Fn.values()) {
                            assertMatchesReference(k, fn, x, offset, list.size());
                        }
                    }
                });
    }

    /** 2·10^5 in-range values per function in long arrays: the vector formulas against the scalar, lane by lane. */
    @Test
    void vectorAndScalarAgreeOnLongInRangeArrays() {
        SplittableRandom random = new SplittableRandom(11);
        int n = 200_003;
        double[] x = new double[n];
        for (Fn fn : Fn.values()) {
            double range = fn == Fn.TANH ? 30 : fn == Fn.SIGMOID ? 60 : 708;
            for (int i = 0; i < n; i++) {
                x[i] = i % 4 == 0 ? Math.scalb(random.nextDouble(), -random.nextInt(60)) * (random.nextBoolean() ? 1 : -1)
                        : random.nextDouble(-range, range);
            }
            for (ActivationKernel k : kernels()) {
                assertMatchesReference(k, fn, x, 0, n);
            }
        }
    }

    /** {@code x} and {@code y} the same array at the same offset. */
    @Test
    void inPlace() {
        SplittableRandom random = new SplittableRandom(3);
        for (ActivationKernel k : kernels()) {
            for (Fn fn : Fn.values()) {
                double[] x = new double[1030];
                for (int i = 0; i < x.length; i++) {
                    x[i] = i == 700 ? Double.NaN : random.nextDouble(-20, 20);
                }
                double[] expected = new double[x.length];
                for (int i = 5; i < x.length; i++) {
                    expected[i] = i == 5 ? 0 : fn.reference.applyAsDouble(x[i]);
                }
                double[] y = x.clone();
                fn.apply(k, y, 6, y, 6, x.length - 6);
                for (int i = 6; i < x.length; i++) {
                    assertSameBits(expected[i], y[i], k.name() + " " + fn + " in place at " + i);
                }
                assertSameBits(x[5], y[5], "untouched before the offset");
            }
        }
    }

    @Test
    void specialValues() {
        double nan = Double.NaN;
        double inf = Double.POSITIVE_INFINITY;
        double[][] expCases = {
            {0.0, 1.0}, {-0.0, 1.0}, {inf, inf}, {-inf, 0.0}, {nan, nan}, {Math.log(2), 2.0}, {2 * Math.log(2), 4.0},
            {709.782712893384, 1.7976931348622732E308}, {Math.nextUp(709.782712893384), inf}, {710.0, inf}, {1e300, inf},
            {-745.1332191019411, Double.MIN_VALUE}, {-745.1332191019412, 0.0}, {-746.0, 0.0}, {-1e300, 0.0},
            {-708.3964185322641, 0x1.000000000007cp-1022}, {-740.0, 4.2E-322}, {Double.MIN_VALUE, 1.0}, {-Double.MIN_VALUE, 1.0},
        };
        double[][] tanhCases = {
            {0.0, 0.0}, {-0.0, -0.0}, {inf, 1.0}, {-inf, -1.0}, {nan, nan}, {Double.MIN_VALUE, Double.MIN_VALUE},
            {-Double.MIN_VALUE, -Double.MIN_VALUE}, {1e-300, 1e-300}, {20.0, 1.0}, {-20.0, -1.0}, {350.0, 1.0}, {1e300, 1.0},
            {-1e300, -1.0}, {0.5, 0.46211715726000974},
        };
        double[][] sigmoidCases = {
            {0.0, 0.5}, {-0.0, 0.5}, {inf, 1.0}, {-inf, 0.0}, {nan, nan}, {40.0, 1.0}, {800.0, 1.0},
            {-740.0, 4.2E-322}, {-745.1332191019411, Double.MIN_VALUE}, {-746.0, 0.0}, {-708.5, IeeeExp.exp(-708.5)},
            {1.0, 0.7310585786300049}, {-1.0, 0.2689414213699951},
        };
        for (ActivationKernel k : kernels()) {
            check(k, Fn.EXP, expCases);
            check(k, Fn.TANH, tanhCases);
            check(k, Fn.SIGMOID, sigmoidCases);
        }
    }

    /** exp overflows and underflows where {@link StrictMath#exp} does, and follows it into the subnormals. */
    @Test
    void expThresholdsAndSubnormalsFollowStrictMath() {
        List<Double> xs = new ArrayList<>();
        for (double edge : new double[] {709.782712893384, -745.1332191019411, -745.1332191019412, -708.3964185322641, -708.39641853226}) {
            double v = edge;
            for (int i = 0; i < 20; i++) {
                v = Math.nextDown(v);
            }
            for (int i = 0; i < 40; i++, v = Math.nextUp(v)) {
                xs.add(v);
            }
        }
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 20_000; i++) {
            xs.add(random.nextDouble(-745.2, -708.3));
        }
        double[] x = xs.stream().mapToDouble(Double::doubleValue).toArray();
        for (ActivationKernel k : kernels()) {
            double[] y = new double[x.length];
            k.exp(x, 0, y, 0, x.length);
            for (int i = 0; i < x.length; i++) {
                double expected = StrictMath.exp(x[i]);
                assertEquals(Double.isInfinite(expected), Double.isInfinite(y[i]), k.name() + " exp(" + x[i] + ") overflow");
                assertEquals(expected == 0, y[i] == 0, k.name() + " exp(" + x[i] + ") underflow to 0: " + y[i]);
                assertTrue(y[i] == expected || Math.abs(y[i] - expected) <= Math.ulp(expected),
                        k.name() + " exp(" + x[i] + ") = " + y[i] + ", StrictMath " + expected);
            }
        }
    }

    private static void check(ActivationKernel k, Fn fn, double[][] cases) {
        double[] x = new double[cases.length];
        for (int i = 0; i < cases.length; i++) {
            x[i] = cases[i][0];
        }
        // Each case alone (scalar tail) and all together in one array (vector lanes where the chunk is in range).
        double[] all = new double[cases.length];
        fn.apply(k, x, 0, all, 0, x.length);
        for (int i = 0; i < cases.length; i++) {
            double[] one = new double[1];
            fn.apply(k, x, i, one, 0, 1);
            assertSameBits(cases[i][1], one[0], k.name() + " " + fn + "(" + x[i] + ")");
            assertSameBits(cases[i][1], all[i], k.name() + " " + fn + "(" + x[i] + ") within an array");
        }
        double[] lanes = new double[64];
        for (double[] c : cases) {
            if (!Double.isNaN(c[0]) && Math.abs(c[0]) <= 20) {
                java.util.Arrays.fill(lanes, c[0]);
                double[] out = new double[64];
                fn.apply(k, lanes, 0, out, 0, 64);
                for (double v : out) {
                    assertSameBits(c[1], v, k.name() + " " + fn + "(" + c[0] + ") in every lane");
                }
            }
        }
    }

    private static void assertMatchesReference(ActivationKernel k, Fn fn, double[] x, int offset, int n) {
        double[] y = new double[n + 3];
        fn.apply(k, x, offset, y, 3, n);
        for (int i = 0; i < n; i++) {
            double v = x[offset + i];
            double expected = fn.reference.applyAsDouble(v);
            if (Double.doubleToLongBits(expected) != Double.doubleToLongBits(y[3 + i])) {
                throw new AssertionError(k.name() + " " + fn + "(" + v + " = " + Double.toHexString(v) + ") at " + i + " of " + n
                        + ", offset " + offset + ": " + Double.toHexString(y[3 + i]) + ", reference " + Double.toHexString(expected));
            }
        }
    }

    private static void assertSameBits(double expected, double actual, String what) {
        assertEquals(Double.doubleToLongBits(expected), Double.doubleToLongBits(actual),
                () -> what + ": expected " + expected + " (" + Double.toHexString(expected) + ") got " + actual + " (" + Double.toHexString(actual) + ")");
    }
}
