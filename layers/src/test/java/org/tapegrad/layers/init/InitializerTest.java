package org.tapegrad.layers.init;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.tapegrad.layers.Theories.qt;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.ojalgo.matrix.store.MatrixStore;
import org.tapegrad.op.Shape;
import org.tapegrad.tape.Layout;
import org.tapegrad.tape.Parameter;

class InitializerTest {

    private static final List<Initializer> RANDOM = List.of(Initializer.uniform(0.3),
            Initializer.pytorchRecurrentDefault(16), Initializer.xavierUniform(), Initializer.xavierNormal(2),
            Initializer.orthogonal(), Initializer.orthogonal(1.5));

    /** A {@code rows×cols} parameter initialized by {@code init} from {@code seed}, its value. */
    private static MatrixStore<Double> filled(Initializer init, int rows, int cols, long seed) {
        Parameter w = new Parameter("w", rows, cols);
        init.initialize(w, seed);
        return w.value();
    }

    /** Every element, row by row. */
    private static double[] elements(MatrixStore<Double> m) {
        return Layout.toRowMajorFlat(m);
    }

    @Test
    void sameSeedSameBitsOtherSeedOtherValues() {
        for (Initializer init : RANDOM) {
            double[] a = elements(filled(init, 7, 5, 42));
            double[] b = elements(filled(init, 7, 5, 42));
            double[] c = elements(filled(init, 7, 5, 43));
            assertArrayEquals(a, b, init.toString()); // assertArrayEquals on doubles compares bits
            assertFalse(java.util.Arrays.equals(a, c), init.toString());
        }
    }

    @Test
    void drawsInRowMajorOrderFromTheGivenRandom() {
        Random reference = new Random(7);
        MatrixStore<Double> w = new UniformInit(0.5).values(new Shape(2, 3), new Random(7));
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(0.5 * (2 * reference.nextDouble() - 1), w.doubleValue(i, j));
            }
        }
    }

    @Test
    void uniformFamiliesStayWithinTheirBound() {
        qt(50).forAll(integers().between(1, 40), integers().between(1, 40), longs().all())
                .checkAssert(InitializerTest::uniformFamiliesStayWithinTheirBound);
    }

    private static void uniformFamiliesStayWithinTheirBound(int rows, int cols, long seed) {
        double xavier = Math.sqrt(6.0 / (rows + cols));
        assertWithin(filled(Initializer.xavierUniform(), rows, cols, seed), xavier);
        assertWithin(filled(Initializer.xavierUniform(3), rows, cols, seed), 3 * xavier);
        assertWithin(filled(Initializer.pytorchRecurrentDefault(cols), rows, cols, seed), 1 / Math.sqrt(cols));
    }

    @Test
    void uniformCoversItsRangeAndNormalHasTheXavierSpread() {
        double[] u = elements(filled(Initializer.uniform(1), 100, 100, 1));
        double min = java.util.Arrays.stream(u).min().orElseThrow();
        double max = java.util.Arrays.stream(u).max().orElseThrow();
        assertTrue(min < -0.99 && max > 0.99, "range " + min + " .. " + max);

        double[] n = elements(filled(Initializer.xavierNormal(), 200, 300, 1));
        double sigma = Math.sqrt(2.0 / 500);
        double mean = java.util.Arrays.stream(n).average().orElseThrow();
        double sd = Math.sqrt(java.util.Arrays.stream(n).map(x -> (x - mean) * (x - mean)).sum() / n.length);
        // 60 000 draws: the sample standard deviation is within 1% of sigma with overwhelming probability.
        assertEquals(sigma, sd, 0.01 * sigma);
        assertEquals(0, mean, 5 * sigma / Math.sqrt(n.length));
    }

    @Test
    void orthogonalHasOrthonormalColumnsOrRows() {
        qt(60).forAll(integers().between(1, 24), integers().between(1, 24), longs().all())
                .checkAssert(InitializerTest::orthogonalHasOrthonormalColumnsOrRows);
    }

    private static void orthogonalHasOrthonormalColumnsOrRows(int rows, int cols, long seed) {
        MatrixStore<Double> w = filled(Initializer.orthogonal(), rows, cols, seed);
        assertEquals(rows, w.countRows());
        assertEquals(cols, w.countColumns());
        boolean tall = rows >= cols;
        int k = Math.min(rows, cols);
        for (int a = 0; a < k; a++) {
            for (int b = 0; b < k; b++) {
                double dot = 0;
                for (int i = 0; i < Math.max(rows, cols); i++) {
                    dot += tall ? w.doubleValue(i, a) * w.doubleValue(i, b) : w.doubleValue(a, i) * w.doubleValue(b, i);
                }
                assertEquals(a == b ? 1 : 0, dot, 1e-12, (tall ? "QᵀQ" : "QQᵀ") + " at (" + a + ", " + b + ")");
            }
        }
    }

    @Test
    void orthogonalGainScalesAndSignsAreNotFixed() {
        MatrixStore<Double> w = filled(Initializer.orthogonal(2), 6, 6, 3);
        double normOfColumn = 0;
        for (int i = 0; i < 6; i++) {
            normOfColumn += w.doubleValue(i, 0) * w.doubleValue(i, 0);
        }
        assertEquals(4, normOfColumn, 1e-12);
        // Sign correction makes the first column exactly the normalised first column of the Gaussian draws
        // (R's first diagonal element is ± its norm), so its signs follow the draws, not Householder's convention.
        Random draws = new Random(11);
        double[][] g = new double[5][3];
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 3; j++) {
                g[i][j] = draws.nextGaussian();
            }
        }
        double norm = 0;
        for (int i = 0; i < 5; i++) {
            norm += g[i][0] * g[i][0];
        }
        MatrixStore<Double> q = Initializer.orthogonal().values(new Shape(5, 3), new Random(11));
        for (int i = 0; i < 5; i++) {
            assertEquals(g[i][0] / Math.sqrt(norm), q.doubleValue(i, 0), 1e-12);
        }
    }

    @Test
    void nearbySeedsGiveUnrelatedFirstValues() {
        int positive = 0;
        for (long seed = 0; seed < 40; seed++) {
            positive += filled(Initializer.uniform(1), 1, 1, seed).doubleValue(0, 0) > 0 ? 1 : 0;
        }
        // new Random(seed) for seeds 0..39 gives 40 almost equal first draws; mixed seeds a fair coin.
        assertTrue(positive > 5 && positive < 35, positive + " of 40 positive");
    }

    @Test
    void constantsAndParameters() {
        Parameter p = new Parameter("b", 1, 4);
        Initializer.constant(0.25).initialize(p, new Random(0));
        assertArrayEquals(new double[] {0.25, 0.25, 0.25, 0.25}, elements(p.value()));
        Initializer.zeros().initialize(p, new Random(0));
        assertArrayEquals(new double[4], elements(p.value()));
    }

    @Test
    void rejectsBadSettings() {
        assertThrows(IllegalArgumentException.class, () -> Initializer.uniform(0));
        assertThrows(IllegalArgumentException.class, () -> Initializer.constant(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Initializer.pytorchRecurrentDefault(0));
        assertThrows(IllegalArgumentException.class, () -> Initializer.xavierUniform(-1));
        assertThrows(IllegalArgumentException.class, () -> Initializer.orthogonal(Double.POSITIVE_INFINITY));
    }

    private static void assertWithin(MatrixStore<Double> w, double bound) {
        for (double x : elements(w)) {
            assertTrue(Math.abs(x) <= bound, x + " outside ±" + bound);
        }
    }
}
