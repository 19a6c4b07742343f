package org.tapegrad.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.floats;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleUnaryOperator;

import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * The float32 activations: every built-in kernel gives, for every element, exactly the bits of the double formula
 * rounded once ({@code (float) IeeeExp.f(x)}, the interface's default) at any offset and length and in place; and
 * those bits are correctly rounded against an independent double reference (StrictMath's exp and tanh, the stable
 * sigmoid of {@link ActivationAccuracyTest#sigmoidReference}) over a stratified sweep of all floats plus every float
 * near the edges — overflow and underflow of exp, its subnormal results, tanh's ±1 and its x-for-tiny-x range,
 * sigmoid's 0 and 1 — with ±0, subnormals, ±∞ and NaN. Bits are compared with {@link Float#floatToIntBits}, which
 * folds NaN payloads.
 */
class FloatActivationTest {

    enum Fn {
        EXP(IeeeExp::exp, StrictMath::exp), TANH(IeeeExp::tanh, StrictMath::tanh), SIGMOID(IeeeExp::sigmoid, ActivationAccuracyTest::sigmoidReference);

        final DoubleUnaryOperator formula;
        final DoubleUnaryOperator reference;

        Fn(DoubleUnaryOperator formula, DoubleUnaryOperator reference) {
            this.formula = formula;
            this.reference = reference;
        }

        float bits(float x) {
            return (float) formula.applyAsDouble(x);
        }

        void apply(ActivationKernel k, float[] x, int xOff, float[] y, int yOff, int n) {
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

    /** Any float bit pattern, the useful ranges, and the edges. */
    static Gen<Float> values() {
        Gen<Float> anyBits = integers().all().map(Float::intBitsToFloat);
        Gen<Float> specials = Generate.pick(List.of(0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
                Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, 88.72283f, 88.7229f, -87.33655f, -103.972f, -103.28f, 9.01f, 17.33f));
        return Generate.frequency(
                org.quicktheories.api.Pair.of(3, floats().between(-8f, 8f)),
                org.quicktheories.api.Pair.of(1, floats().between(-120f, 120f)),
                org.quicktheories.api.Pair.of(1, anyBits),
                org.quicktheories.api.Pair.of(1, specials));
    }

    @Test
    void everyKernelGivesTheRoundedFormulaAtEveryOffsetAndLength() {
        qt().withFixedSeed(20261201L).withExamples(150).forAll(lists().of(values()).ofSizeBetween(0, 600), integers().between(0, 9))
                .checkAssert((list, offset) -> {
                    float[] x = new float[list.size() + offset];
                    for (int i = 0; i < list.size(); i++) {
                        x[offset + i] = list.get(i);
                    }
                    for (ActivationKernel k : ActivationKernelTest.kernels()) {
                        for (Fn fn : Fn.values()) {
                            float[] y = new float[list.size() + 3];
                            fn.apply(k, x, offset, y, 3, list.size());
                            for (int i = 0; i < list.size(); i++) {
                                assertSameBits(fn.bits(x[offset + i]), y[3 + i], k.name() + " " + fn + "(" + x[offset + i] + ") at " + i + " of " + list.size());
                            }
                            float[] inPlace = x.clone();
                            fn.apply(k, inPlace, offset, inPlace, offset, list.size());
                            for (int i = 0; i < list.size(); i++) {
                                assertSameBits(y[3 + i], inPlace[offset + i], k.name() + " " + fn + " in place at " + i);
                            }
                        }
                    }
                });
    }

    /**
     * Within 0.5 ulp (plus the references' own error, ≤ 2^−20 ulp here) of the double reference, so correctly
     * rounded; and within 1 ulp of the reference rounded to float. Inputs: every 8191st bit pattern (about 5·10^5 floats
     * of every sign and exponent) and the 2000 floats on each side of every edge.
     */
    @Test
    void correctlyRoundedOverAStratifiedSweepAndTheEdges() {
        List<Float> xs = new ArrayList<>();
        for (long bits = 0; bits <= 0xFFFF_FFFFL; bits += 8191) {
            xs.add(Float.intBitsToFloat((int) bits));
        }
        float[] edges = {0f, -0f, Float.MIN_NORMAL, -Float.MIN_NORMAL, 88.72284f, -87.33655f, -103.27893f, -103.97208f, 9.010913f, -9.010913f,
            0x1p-12f, -0x1p-12f, 17.328680f, -17.328680f, 1f, -1f, Float.MAX_VALUE, -Float.MAX_VALUE};
        for (float edge : edges) {
            float v = edge;
            for (int i = 0; i < 2000; i++) {
                v = Math.nextDown(v);
            }
            for (int i = 0; i < 4000; i++, v = Math.nextUp(v)) {
                xs.add(v);
            }
        }
        xs.add(Float.POSITIVE_INFINITY);
        xs.add(Float.NEGATIVE_INFINITY);
        xs.add(Float.NaN);
        float[] x = new float[xs.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = xs.get(i);
        }
        for (ActivationKernel k : ActivationKernelTest.kernels()) {
            for (Fn fn : Fn.values()) {
                float[] y = new float[x.length];
                fn.apply(k, x, 0, y, 0, x.length);
                double worst = 0;
                float worstAt = Float.NaN;
                for (int i = 0; i < x.length; i++) {
                    double reference = fn.reference.applyAsDouble(x[i]);
                    float rounded = (float) reference;
                    int at = i;
                    java.util.function.Supplier<String> what = () -> k.name() + " " + fn + "(" + x[at] + " = " + Float.toHexString(x[at])
                            + ") = " + Float.toHexString(y[at]) + ", reference " + reference;
                    if (Double.isNaN(reference) || Float.isInfinite(rounded) || Float.isInfinite(y[i])) {
                        if (Float.floatToIntBits(rounded) != Float.floatToIntBits(y[i])) {
                            throw new AssertionError(what.get());
                        }
                        continue;
                    }
                    double ulp = Math.ulp(rounded);
                    double error = Math.abs(y[i] - reference) / ulp;
                    if (error > 0.5 + 0x1p-20) {
                        throw new AssertionError(what.get() + ": " + error + " ulp from the double reference");
                    }
                    if (Math.abs(y[i] - rounded) > ulp) {
                        throw new AssertionError(what.get() + ": more than 1 ulp from the rounded reference");
                    }
                    if (error > worst) {
                        worst = error;
                        worstAt = x[i];
                    }
                }
                System.out.printf(Locale.ROOT, "float %s %s: worst %.6f ulp at %s over %d inputs%n", k.name(), fn, worst, worstAt, x.length);
            }
        }
    }

    @Test
    void limitsAndSigns() {
        float inf = Float.POSITIVE_INFINITY;
        float[][] exp = {{0f, 1f}, {-0f, 1f}, {inf, inf}, {-inf, 0f}, {Float.NaN, Float.NaN}, {89f, inf}, {-104f, 0f}, {1e30f, inf}, {-1e30f, 0f}};
        float[][] tanh = {{0f, 0f}, {-0f, -0f}, {inf, 1f}, {-inf, -1f}, {Float.NaN, Float.NaN}, {9.1f, 1f}, {-9.1f, -1f}, {1e30f, 1f}, {-1e30f, -1f},
            {Float.MIN_VALUE, Float.MIN_VALUE}, {-Float.MIN_VALUE, -Float.MIN_VALUE}, {1e-20f, 1e-20f}, {-0x1p-13f, -0x1p-13f}};
        float[][] sigmoid = {{0f, 0.5f}, {-0f, 0.5f}, {inf, 1f}, {-inf, 0f}, {Float.NaN, Float.NaN}, {18f, 1f}, {-105f, 0f}, {Float.MAX_VALUE, 1f},
            {-Float.MAX_VALUE, 0f}, {Float.MIN_VALUE, 0.5f}};
        for (ActivationKernel k : ActivationKernelTest.kernels()) {
            check(k, Fn.EXP, exp);
            check(k, Fn.TANH, tanh);
            check(k, Fn.SIGMOID, sigmoid);
            // sigmoid stays in [0, 1] and tanh in [−1, 1] for every float of the sweep: nothing overflows into NaN.
            float[] x = new float[1 << 16];
            for (int i = 0; i < x.length; i++) {
                x[i] = Float.intBitsToFloat(i * 65537 + 12345);
            }
            float[] y = new float[x.length];
            k.sigmoid(x, 0, y, 0, x.length);
            for (int i = 0; i < x.length; i++) {
                assertTrue(Float.isNaN(x[i]) || (y[i] >= 0f && y[i] <= 1f), k.name() + " sigmoid(" + x[i] + ") = " + y[i]);
            }
            k.tanh(x, 0, y, 0, x.length);
            for (int i = 0; i < x.length; i++) {
                assertTrue(Float.isNaN(x[i]) || (y[i] >= -1f && y[i] <= 1f && Math.copySign(1f, y[i]) == Math.copySign(1f, x[i])),
                        k.name() + " tanh(" + x[i] + ") = " + y[i]);
            }
        }
    }

    private static void check(ActivationKernel k, Fn fn, float[][] cases) {
        float[] x = new float[cases.length];
        for (int i = 0; i < cases.length; i++) {
            x[i] = cases[i][0];
        }
        float[] all = new float[cases.length];
        fn.apply(k, x, 0, all, 0, x.length);
        for (int i = 0; i < cases.length; i++) {
            assertSameBits(cases[i][1], all[i], k.name() + " " + fn + "(" + x[i] + ")");
            float[] lanes = new float[40];
            java.util.Arrays.fill(lanes, x[i]);
            fn.apply(k, lanes, 0, lanes, 0, lanes.length);
            for (float v : lanes) {
                assertSameBits(cases[i][1], v, k.name() + " " + fn + "(" + x[i] + ") in every lane");
            }
        }
    }

    private static void assertSameBits(float expected, float actual, String what) {
        assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(actual),
                () -> what + ": expected " + expected + " (" + Float.toHexString(expected) + ") got " + actual + " (" + Float.toHexString(actual) + ")");
    }
}
