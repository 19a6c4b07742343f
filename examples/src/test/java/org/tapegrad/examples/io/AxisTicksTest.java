package org.tapegrad.examples.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.tapegrad.examples.Theories.decimals;
import static org.tapegrad.examples.Theories.qt;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Tick choice: readable, evenly spaced, round positions that never crowd the axis. */
class AxisTicksTest {

    private static final List<Double> NICE_MANTISSAS = List.of(1.0, 2.0, 5.0);

    @Test
    void aVanishingGradientOver130DecadesIsLabelledEvery20Decades() {
        AxisTicks.Ticks t = AxisTicks.logarithmic(-131.7, 0.4, 10);
        assertArrayEquals(new double[] {-120, -100, -80, -60, -40, -20, 0}, t.positions(), 1e-12);
        assertArrayEquals(new String[] {"1e-120", "1e-100", "1e-80", "1e-60", "1e-40", "1e-20", "1"}, t.labels());
    }

    @Test
    void aFewDecadesAreLabelledEveryDecade() {
        AxisTicks.Ticks t = AxisTicks.logarithmic(Math.log10(8e-5), Math.log10(0.3), 10);
        assertArrayEquals(new String[] {"1e-4", "0.001", "0.01", "0.1"}, t.labels());
    }

    @Test
    void lessThanTwoDecadesFallBackToOneTwoFive() {
        AxisTicks.Ticks t = AxisTicks.logarithmic(Math.log10(0.15), Math.log10(2.4), 10);
        assertArrayEquals(new String[] {"0.2", "0.5", "1", "2"}, t.labels());
        AxisTicks.Ticks small = AxisTicks.logarithmic(Math.log10(1.5e-5), Math.log10(6e-5), 10);
        assertArrayEquals(new String[] {"2e-5", "5e-5"}, small.labels());
        // Under a factor of ten, with room for ten labels: 1…9 times the decade, never 8 and 9 on top of each other.
        AxisTicks.Ticks tight = AxisTicks.logarithmic(Math.log10(1.5e-5), Math.log10(6e-5), 30);
        assertArrayEquals(new String[] {"2e-5", "3e-5", "4e-5", "5e-5", "6e-5"}, tight.labels());
    }

    @Test
    void twoHundredStepsGetRoundNonCrowdedTicks() {
        AxisTicks.Ticks t = AxisTicks.linear(-4, 204, 12);
        assertArrayEquals(new double[] {0, 20, 40, 60, 80, 100, 120, 140, 160, 180, 200}, t.positions(), 1e-12);
        assertEquals("1,000", AxisTicks.linear(0, 1000, 3).labels()[2]);
        assertArrayEquals(new String[] {"8.5", "9", "9.5", "10", "10.5", "11"}, AxisTicks.linear(8.3, 11.2, 8).labels());
    }

    @Test
    void zeroIsNeverLabelledNegative() {
        AxisTicks.Ticks t = AxisTicks.linear(-0.31, 0.29, 7);
        assertTrue(Arrays.asList(t.labels()).contains("0"), Arrays.toString(t.labels()));
        assertTrue(Arrays.stream(t.labels()).noneMatch(l -> l.startsWith("-0") && !l.startsWith("-0.")), Arrays.toString(t.labels()));
    }

    @Test
    void badRangesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> AxisTicks.linear(2, 1, 5));
        assertThrows(IllegalArgumentException.class, () -> AxisTicks.logarithmic(Double.NEGATIVE_INFINITY, 0, 5));
        assertThrows(IllegalArgumentException.class, () -> AxisTicks.linear(0, 1, 0));
    }

    @Test
    void linearTicksAreTheFinestNiceStepThatFits() {
        qt(300).forAll(decimals(-1e6, 1e6, 2), decimals(0.01, 1e6, 2), integers().between(2, 15))
                .checkAssert(AxisTicksTest::linearTicksAreTheFinestNiceStepThatFits);
    }

    private static void linearTicksAreTheFinestNiceStepThatFits(double min, double span, int maxTicks) {
        double max = min + span;
        AxisTicks.Ticks t = AxisTicks.linear(min, max, maxTicks);
        assertTrue(t.size() <= maxTicks, "at most " + maxTicks + ": " + Arrays.toString(t.positions()));
        assertTrue(t.size() >= 1, "at least one tick in [" + min + ", " + max + "]");
        for (double p : t.positions()) {
            assertTrue(p >= min - 1e-9 * span && p <= max + 1e-9 * span, p + " outside [" + min + ", " + max + "]");
        }
        assertEquals(t.size(), new HashSet<>(Arrays.asList(t.labels())).size(), "labels distinct: " + Arrays.toString(t.labels()));
        if (t.size() >= 2) {
            double rawStep = (t.positions()[t.size() - 1] - t.positions()[0]) / (t.size() - 1);
            double exponent = Math.floor(Math.log10(rawStep) + 1e-9);
            double mantissa = rawStep / Math.pow(10, exponent);
            double nice = NICE_MANTISSAS.stream().filter(m -> Math.abs(m - mantissa) < 1e-6).findFirst()
                    .orElseThrow(() -> new AssertionError("step " + rawStep + " is not 1, 2 or 5 × 10^k"));
            double finer = (nice == 1 ? 0.5 : nice == 2 ? 1 : 2) * Math.pow(10, exponent);
            long finerCount = (long) Math.floor(max / finer + 1e-9) - (long) Math.ceil(min / finer - 1e-9) + 1;
            assertTrue(finerCount > maxTicks, "the finer step " + finer + " would also fit (" + finerCount + " ticks)");
        }
    }

    @Test
    void logTicksAreWholeDecadesWhenTheRangeHoldsTwo() {
        qt(300).forAll(decimals(-300, 300, 2), decimals(2, 300, 2), integers().between(3, 15))
                .checkAssert(AxisTicksTest::logTicksAreWholeDecadesWhenTheRangeHoldsTwo);
    }

    private static void logTicksAreWholeDecadesWhenTheRangeHoldsTwo(double minLog, double span, int maxTicks) {
        AxisTicks.Ticks t = AxisTicks.logarithmic(minLog, minLog + span, maxTicks);
        assertTrue(t.size() <= maxTicks && t.size() >= 1, Arrays.toString(t.labels()));
        for (int i = 0; i < t.size(); i++) {
            double p = t.positions()[i];
            assertEquals(Math.rint(p), p, 1e-12, "whole decade");
            assertTrue(t.labels()[i].matches("1e-?\\d+|1|10|100|1000|0\\.01|0\\.1|0\\.001"), t.labels()[i]);
        }
    }
}
