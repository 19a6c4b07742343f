package org.tapegrad.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * The vector kernel's arithmetic loops ({@link VectorArithmetic}) give the bits of {@link ActivationKernel}'s plain
 * loops, the definition, in both element types: at every length and offset (whole vectors and the tail), with special
 * values, and with an output that is one of the inputs where the interface allows it. Bits are compared with
 * {@link Double#doubleToLongBits}/{@link Float#floatToIntBits}, which fold NaN payloads (Java leaves them unspecified).
 */
class ArithmeticLoopsTest {

    /** One loop applied to five runs of the same length starting at {@code off}; which of them it reads or writes is its business. */
    interface Loop64 {
        void apply(ActivationKernel k, double[][] r, int off, int n);
    }

    interface Loop32 {
        void apply(ActivationKernel k, float[][] r, int off, int n);
    }

    private static final List<Loop64> LOOPS64 = List.of(
            (k, r, o, n) -> k.productSum(r[0], o, r[1], o, r[2], o, r[3], o, r[4], o, n),
            (k, r, o, n) -> k.productSum(r[0], o, r[1], o, r[2], o, r[3], o, r[0], o, n),   // y is a
            (k, r, o, n) -> k.multiply(r[0], o, r[1], o, r[2], o, n),
            (k, r, o, n) -> k.multiply(r[0], o, r[1], o, r[1], o, n),                       // y is b
            (k, r, o, n) -> k.addProduct(r[0], o, r[1], o, r[2], o, n),
            (k, r, o, n) -> k.multiplyGradients(r[0], o, r[1], o, r[2], o, r[3], o, r[4], o, n),
            (k, r, o, n) -> k.multiplyGradients(r[0], o, r[1], o, r[2], o, r[3], o, r[3], o, n), // one gradient for both factors
            (k, r, o, n) -> k.sigmoidGradient(r[0], o, r[1], o, r[2], o, n, true),
            (k, r, o, n) -> k.sigmoidGradient(r[0], o, r[1], o, r[2], o, n, false),
            (k, r, o, n) -> k.sigmoidGradient(r[0], o, r[1], o, r[0], o, n, false),         // in place over g
            (k, r, o, n) -> k.tanhGradient(r[0], o, r[1], o, r[2], o, n, true),
            (k, r, o, n) -> k.tanhGradient(r[0], o, r[1], o, r[2], o, n, false),
            (k, r, o, n) -> k.tanhGradient(r[0], o, r[1], o, r[0], o, n, false),
            // column loops: the run read as a column-major matrix of rows(n) rows, from column o on (a share's range)
            (k, r, o, n) -> k.addToEveryRow(r[0], r[1], rows(n), o, Math.max(o, n / rows(n))),
            (k, r, o, n) -> k.addColumnSums(r[0], r[1], rows(n), o, Math.max(o, n / rows(n))));

    private static final List<Loop32> LOOPS32 = List.of(
            (k, r, o, n) -> k.productSum(r[0], o, r[1], o, r[2], o, r[3], o, r[4], o, n),
            (k, r, o, n) -> k.productSum(r[0], o, r[1], o, r[2], o, r[3], o, r[0], o, n),
            (k, r, o, n) -> k.multiply(r[0], o, r[1], o, r[2], o, n),
            (k, r, o, n) -> k.multiply(r[0], o, r[1], o, r[1], o, n),
            (k, r, o, n) -> k.addProduct(r[0], o, r[1], o, r[2], o, n),
            (k, r, o, n) -> k.multiplyGradients(r[0], o, r[1], o, r[2], o, r[3], o, r[4], o, n),
            (k, r, o, n) -> k.multiplyGradients(r[0], o, r[1], o, r[2], o, r[3], o, r[3], o, n),
            (k, r, o, n) -> k.sigmoidGradient(r[0], o, r[1], o, r[2], o, n, true),
            (k, r, o, n) -> k.sigmoidGradient(r[0], o, r[1], o, r[2], o, n, false),
            (k, r, o, n) -> k.sigmoidGradient(r[0], o, r[1], o, r[0], o, n, false),
            (k, r, o, n) -> k.tanhGradient(r[0], o, r[1], o, r[2], o, n, true),
            (k, r, o, n) -> k.tanhGradient(r[0], o, r[1], o, r[2], o, n, false),
            (k, r, o, n) -> k.tanhGradient(r[0], o, r[1], o, r[0], o, n, false),
            // column loops: the run read as a column-major matrix of rows(n) rows, from column o on (a share's range)
            (k, r, o, n) -> k.addToEveryRow(r[0], r[1], rows(n), o, Math.max(o, n / rows(n))),
            (k, r, o, n) -> k.addColumnSums(r[0], r[1], rows(n), o, Math.max(o, n / rows(n))));

    private final ActivationKernel definition = new ScalarActivations();
    private ActivationKernel vector;

    @BeforeEach
    void vectorKernel() {
        assumeTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(), "jdk.incubator.vector is not enabled");
        vector = Kernels.activations("vector");
    }

    @Test
    void vectorLoopsGiveTheDefinitionsBitsAtEveryLengthAndOffset() {
        qt().withFixedSeed(20261202L).withExamples(300)
                .forAll(lists().of(values()).ofSizeBetween(0, 90), integers().between(0, 9), integers().between(0, LOOPS64.size() - 1))
                .checkAssert((values, off, loop) -> {
                    double[][] expected = runs(values, off);
                    double[][] actual = copy(expected);
                    LOOPS64.get(loop).apply(definition, expected, off, values.size());
                    LOOPS64.get(loop).apply(vector, actual, off, values.size());
                    for (int j = 0; j < expected.length; j++) {
                        assertArrayEquals(expected[j], actual[j], "double loop " + loop + ", run " + j);
                    }
                    float[][] expected32 = narrow(runs(values, off));
                    float[][] actual32 = copy(expected32);
                    LOOPS32.get(loop).apply(definition, expected32, off, values.size());
                    LOOPS32.get(loop).apply(vector, actual32, off, values.size());
                    for (int j = 0; j < expected32.length; j++) {
                        assertArrayEquals(expected32[j], actual32[j], "float loop " + loop + ", run " + j);
                    }
                });
    }

    /** A long run, so that the loops are compiled and their vector bodies, not only the tails, do the work. */
    @Test
    void longRunsAfterWarmUp() {
        List<Double> values = new java.util.ArrayList<>();
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        for (int i = 0; i < 2065; i++) {   // rows(2065) = 14: a whole vector and a tail per column
            values.add(random.nextDouble(-3, 3));
        }
        for (int repeat = 0; repeat < 30; repeat++) {
            for (int loop = 0; loop < LOOPS64.size(); loop++) {
                double[][] expected = runs(values, 3);
                double[][] actual = copy(expected);
                LOOPS64.get(loop).apply(definition, expected, 3, values.size());
                LOOPS64.get(loop).apply(vector, actual, 3, values.size());
                for (int j = 0; j < expected.length; j++) {
                    assertArrayEquals(expected[j], actual[j], "double loop " + loop + ", run " + j);
                }
                float[][] expected32 = narrow(runs(values, 3));
                float[][] actual32 = copy(expected32);
                LOOPS32.get(loop).apply(definition, expected32, 3, values.size());
                LOOPS32.get(loop).apply(vector, actual32, 3, values.size());
                for (int j = 0; j < expected32.length; j++) {
                    assertArrayEquals(expected32[j], actual32[j], "float loop " + loop + ", run " + j);
                }
            }
        }
    }

    /** The rows of the matrix the column loops read a run of length n as: 1 to 19 (a batch of one, whole vectors and tails). */
    private static int rows(int n) {
        return 1 + n % 19;
    }

    /** Mostly ordinary numbers, with signed zeros, infinities, NaN, subnormals and values near overflow among them. */
    private static Gen<Double> values() {
        Gen<Double> special = Generate.pick(List.of(0.0, -0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN,
                Double.MIN_VALUE, -Double.MIN_NORMAL, 1e300, -1e-310, 1.0, 3.4e38, 1e-40));
        return doubles().between(-4, 4).mix(special, 15);
    }

    /** Five different runs of {@code values} placed at {@code off} (rotated and scaled, so no two are equal). */
    private static double[][] runs(List<Double> values, int off) {
        int n = values.size();
        double[][] r = new double[5][off + n + 3];
        for (int j = 0; j < 5; j++) {
            for (int i = 0; i < r[j].length; i++) {
                r[j][i] = -7.0 - j;   // outside the run: must be left as it is
            }
            for (int i = 0; i < n; i++) {
                r[j][off + i] = values.get((i + 7 * j) % n) * (1.0 + 0.37 * j);
            }
        }
        return r;
    }

    private static float[][] narrow(double[][] r) {
        float[][] f = new float[r.length][];
        for (int j = 0; j < r.length; j++) {
            f[j] = new float[r[j].length];
            for (int i = 0; i < f[j].length; i++) {
                f[j][i] = (float) r[j][i];
            }
        }
        return f;
    }

    private static double[][] copy(double[][] r) {
        double[][] c = new double[r.length][];
        for (int j = 0; j < r.length; j++) {
            c[j] = r[j].clone();
        }
        return c;
    }

    private static float[][] copy(float[][] r) {
        float[][] c = new float[r.length][];
        for (int j = 0; j < r.length; j++) {
            c[j] = r[j].clone();
        }
        return c;
    }
}
