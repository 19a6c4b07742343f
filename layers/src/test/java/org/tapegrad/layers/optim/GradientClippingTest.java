package org.tapegrad.layers.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.tapegrad.layers.Theories.decimals;
import static org.tapegrad.layers.Theories.qt;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.tapegrad.tape.Parameter;

class GradientClippingTest {

    /** A parameter whose accumulated gradient holds {@code columnMajor} in its storage order (then zeros). */
    private static Parameter grad(String name, int rows, int cols, double... columnMajor) {
        Parameter p = new Parameter(name, rows, cols);
        p.updateGrad(g -> System.arraycopy(columnMajor, 0, g, 0, columnMajor.length));
        return p;
    }

    /** A copy of the accumulated gradient in the parameter's storage order (the order {@link #grad} takes). */
    private static double[] gradOf(Parameter p) {
        double[][] copy = new double[1][];
        p.readGrad(g -> copy[0] = g.clone());
        return copy[0];
    }

    @Test
    void globalNormOfAThreeFourTwelveTriangle() {
        // 3² + 4² + 12² = 13²
        List<Parameter> ps = List.of(grad("a", 1, 2, 3, 4), grad("b", 1, 1, 12), new Parameter("noGrad", 2, 2));
        assertEquals(13.0, GradientClipping.globalNorm(ps), 1e-15);
        double before = GradientClipping.clipByGlobalNorm(ps, 6.5);
        assertEquals(13.0, before, 1e-15);
        assertArrayEquals(new double[] {1.5, 2}, gradOf(ps.get(0)), 1e-15);
        assertArrayEquals(new double[] {6}, gradOf(ps.get(1)), 1e-15);
    }

    @Test
    void clippingScalesUniformlyToTheLimitOrLeavesAlone() {
        qt(200).forAll(lists().of(decimals(-100, 100, 2)).ofSizeBetween(1, 12), decimals(0.01, 200, 2))
                .checkAssert(GradientClippingTest::clippingScalesUniformlyToTheLimitOrLeavesAlone);
    }

    private static void clippingScalesUniformlyToTheLimitOrLeavesAlone(List<Double> values, double maxNorm) {
        int half = (values.size() + 1) / 2;
        Parameter a = grad("a", 1, half, values.subList(0, half).stream().mapToDouble(d -> d).toArray());
        Parameter b = grad("b", values.size() - half + 1, 1,
                values.subList(half, values.size()).stream().mapToDouble(d -> d).toArray());
        double expectedNorm = Math.sqrt(values.stream().mapToDouble(v -> v * v).sum());
        double[] originalA = gradOf(a);
        double[] originalB = gradOf(b);

        double norm = GradientClipping.clipByGlobalNorm(List.of(a, b), maxNorm);

        assertEquals(expectedNorm, norm, 1e-12 * Math.max(1, expectedNorm));
        double factor = expectedNorm > maxNorm ? maxNorm / expectedNorm : 1;
        double[] clippedA = gradOf(a);
        double[] clippedB = gradOf(b);
        for (int i = 0; i < originalA.length; i++) {
            assertEquals(originalA[i] * factor, clippedA[i], 1e-12 * Math.abs(originalA[i]) + 1e-300);
        }
        for (int i = 0; i < originalB.length; i++) {
            assertEquals(originalB[i] * factor, clippedB[i], 1e-12 * Math.abs(originalB[i]) + 1e-300);
        }
        double after = GradientClipping.globalNorm(List.of(a, b));
        assertTrue(after <= maxNorm * (1 + 1e-12), "norm after clipping " + after + " > " + maxNorm);
    }

    @Test
    void hugeAndTinyGradientsNeitherOverflowNorUnderflow() {
        assertEquals(5e200, GradientClipping.globalNorm(List.of(grad("big", 1, 2, 3e200, 4e200))), 1e186);
        assertEquals(5e-200, GradientClipping.globalNorm(List.of(grad("tiny", 1, 2, 3e-200, 4e-200))), 1e-214);
    }

    @Test
    void nonFiniteGradientIsReportedWithParameterAndElementAndNothingIsChanged() {
        Parameter fine = grad("fine", 1, 1, 100);
        Parameter bad = grad("bad", 2, 2, 1, 2, Double.NaN, 4); // column-major: NaN at (0, 1)
        NonFiniteGradientException e = assertThrows(NonFiniteGradientException.class,
                () -> GradientClipping.clipByGlobalNorm(List.of(fine, bad), 1));
        assertEquals("bad", e.parameterName());
        assertTrue(e.getMessage().contains("(0, 1)"), e.getMessage());
        assertEquals(100, gradOf(fine)[0]);

        Parameter inf = grad("inf", 1, 1, Double.NEGATIVE_INFINITY);
        assertThrows(NonFiniteGradientException.class, () -> GradientClipping.globalNorm(List.of(inf)));
    }

    @Test
    void clipByValueClampsEachElement() {
        Parameter p = grad("w", 1, 5, -3, -0.5, 0, 0.7, Double.POSITIVE_INFINITY);
        GradientClipping.clipByValue(List.of(p), 1);
        assertArrayEquals(new double[] {-1, -0.5, 0, 0.7, 1}, gradOf(p));
        Parameter nan = grad("n", 1, 1, Double.NaN);
        assertThrows(NonFiniteGradientException.class, () -> GradientClipping.clipByValue(List.of(nan), 1));
    }

    @Test
    void rejectsBadLimits() {
        assertThrows(IllegalArgumentException.class, () -> GradientClipping.clipByGlobalNorm(List.of(), 0));
        assertThrows(IllegalArgumentException.class, () -> GradientClipping.clipByValue(List.of(), Double.NaN));
        assertEquals(0, GradientClipping.clipByGlobalNorm(List.of(), 1));
    }
}
