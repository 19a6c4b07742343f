package org.tapegrad.tape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.tapegrad.kernel.Kernels;
import org.tapegrad.kernel.ScalarActivations;
import org.tapegrad.op.DType;

/**
 * By default a tape zeroes an intermediate's gradient elements below its element type's threshold
 * ({@link Tape#TINY_GRADIENT_F64}, {@link Tape#TINY_GRADIENT_F32}) before the VJP that reads them — the subnormals
 * and the tiny normal numbers above them — and keeps magnitudes from the threshold up exactly; with the option off it
 * keeps every gradient exactly; it never flushes a leaf's gradient: in both element types, on both activation
 * kernels. Also the two facts the thresholds are chosen for.
 */
class TinyGradientTest {

    /** The default kernels and the same with the plain-Java activations. */
    private static List<Kernels> kernels() {
        List<Kernels> all = new ArrayList<>(List.of(Kernels.defaults()));
        all.add(Kernels.defaults().withActivations(new ScalarActivations()));
        return all;
    }

    /**
     * {@code y = a·x}, {@code z = b·y}, {@code L = Σ c·z} at {@code x = 1}: {@code ∂L/∂y = b·c} and
     * {@code ∂L/∂x = a·b·c}. {@link #to} builds chains whose every product is exact.
     */
    private record Chain(double a, double b, double c) {

        /**
         * A chain with {@code ∂L/∂y = target} ({@code b = target·2^60}, {@code c = 2^−60}, itself far above the
         * threshold) and a normal {@code ∂L/∂x = a·target}, every value of the recording finite in the element type.
         */
        static Chain to(DType dtype, double target) {
            return new Chain(dtype == DType.F32 ? 0x1p100 : 0x1p900, target * 0x1p60, 0x1p-60);
        }

        /** {@code ∂L/∂y} and {@code ∂L/∂x} from a fresh pass on {@code tape}. */
        double[] gradients(Tape tape) {
            Var x = tape.variable(new double[][] {{1.0}});
            Var y = x.times(a).retainGrad();
            Var loss = y.times(b).times(c).sum();
            Gradients g = tape.gradients(loss, null);
            return new double[] {g.of(y).doubleValue(0, 0), g.of(x).doubleValue(0, 0)};
        }
    }

    private static double threshold(DType dtype) {
        return dtype == DType.F32 ? Tape.TINY_GRADIENT_F32 : Tape.TINY_GRADIENT_F64;
    }

    private static double minNormal(DType dtype) {
        return dtype == DType.F32 ? Float.MIN_NORMAL : Double.MIN_NORMAL;
    }

    /** Magnitudes below the threshold, either sign: subnormals, the smallest normal, one mid-way in the band, the threshold's predecessor. */
    private static double[] belowThreshold(DType dtype) {
        if (dtype == DType.F32) {
            return new double[] {Float.MIN_VALUE, -Math.nextDown(Float.MIN_NORMAL), Float.MIN_NORMAL, -0x1.cp-114,
                Math.nextDown(Tape.TINY_GRADIENT_F32)};
        }
        return new double[] {Double.MIN_VALUE, -Math.nextDown(Double.MIN_NORMAL), Double.MIN_NORMAL, -0x1.cp-995,
            Math.nextDown(Tape.TINY_GRADIENT_F64)};
    }

    /** The threshold itself and its successor, either sign. */
    private static double[] atOrAboveThreshold(DType dtype) {
        double t = threshold(dtype);
        double next = dtype == DType.F32 ? Math.nextUp((float) t) : Math.nextUp(t);
        return new double[] {t, -t, next, -next};
    }

    /** The test's own premise: each target is in the element type and on the side of the threshold it is meant to be. */
    private static void checkTarget(DType dtype, double target, boolean below) {
        assertTrue(dtype == DType.F64 || (float) target == target, dtype + ": " + target + " must be a float");
        assertEquals(below, target != 0 && Math.abs(target) < threshold(dtype), dtype + ": " + target + " against the threshold");
    }

    @Test
    void flushingIsOnByDefaultInBothElementTypes() {
        assertTrue(new Tape().flushesTinyGradients());
        assertTrue(new Tape(DType.F32).flushesTinyGradients());
        Tape tape = new Tape();
        tape.setFlushTinyGradients(false);
        assertFalse(tape.flushesTinyGradients());
    }

    @Test
    void belowTheThresholdAnIntermediateGradientIsZeroedByDefault() {
        for (DType dtype : DType.values()) {
            for (double target : belowThreshold(dtype)) {
                checkTarget(dtype, target, true);
                for (Kernels k : kernels()) {
                    double[] g = Chain.to(dtype, target).gradients(new Tape(k, dtype));
                    String what = dtype + " on " + k + ", ∂L/∂y = " + target;
                    assertEquals(Double.doubleToLongBits(Math.copySign(0.0, target)), Double.doubleToLongBits(g[0]), what + ": ∂L/∂y, the zero of its sign");
                    assertEquals(0.0, g[1], 0.0, what + ": ∂L/∂x, from the zeroed ∂L/∂y");
                }
            }
        }
    }

    @Test
    void withFlushingOffEveryTinyGradientIsExact() {
        for (DType dtype : DType.values()) {
            for (double target : belowThreshold(dtype)) {
                Chain chain = Chain.to(dtype, target);
                for (Kernels k : kernels()) {
                    Tape tape = new Tape(k, dtype);
                    tape.setFlushTinyGradients(false);
                    double[] g = chain.gradients(tape);
                    String what = dtype + " on " + k + ", ∂L/∂y = " + target;
                    assertEquals(target, g[0], 0.0, what + ": ∂L/∂y");
                    assertEquals(chain.a() * target, g[1], 0.0, what + ": ∂L/∂x");
                }
            }
        }
    }

    @Test
    void fromTheThresholdUpAGradientIsKeptExactlyByDefault() {
        for (DType dtype : DType.values()) {
            for (double target : atOrAboveThreshold(dtype)) {
                checkTarget(dtype, target, false);
                Chain chain = Chain.to(dtype, target);
                for (Kernels k : kernels()) {
                    double[] g = chain.gradients(new Tape(k, dtype));
                    String what = dtype + " on " + k + ", ∂L/∂y = " + target;
                    assertEquals(target, g[0], 0.0, what + ": ∂L/∂y");
                    assertEquals(chain.a() * target, g[1], 0.0, what + ": ∂L/∂x");
                }
            }
        }
    }

    /** {@code L = Σ s·p + s·x} with s below the threshold: the parameter's and the input's gradients are s, accumulated as before. */
    @Test
    void leafGradientsAreNotFlushed() {
        for (DType dtype : DType.values()) {
            for (double s : belowThreshold(dtype)) {
                Parameter p = Parameter.of("p", new double[][] {{1.0}}).to(dtype);
                Tape tape = new Tape(dtype);
                Var x = tape.variable(new double[][] {{1.0}});
                Gradients g = tape.backward(tape.param(p).times(s).plus(x.times(s)).sum());
                assertEquals(s, p.grad().doubleValue(0, 0), 0.0, dtype + ": the parameter's gradient, s = " + s);
                assertEquals(s, g.of(x).doubleValue(0, 0), 0.0, dtype + ": the input's gradient, s = " + s);
            }
        }
    }

    /**
     * Each threshold is MIN_NORMAL·2^p (p = 53, 24): a kept gradient times a factor of magnitude ≥ 2^−p is normal,
     * and a flushed one leaves unchanged any number of magnitude above MIN_NORMAL·2^(2p) it is added to.
     */
    @Test
    void theThresholdsKeepProductsNormalAndDropOnlyWhatNoLargerSumWouldShow() {
        SplittableRandom random = new SplittableRandom(7);
        double t64 = Tape.TINY_GRADIENT_F64;
        double unitRoundoff64 = Math.ulp(1.0) / 2;   // 2^−53
        assertEquals(Double.MIN_NORMAL, t64 * unitRoundoff64, 0.0, "float64: the threshold times 2^−53");
        float t32 = Tape.TINY_GRADIENT_F32;
        float unitRoundoff32 = Math.ulp(1f) / 2;     // 2^−24
        assertEquals(Float.MIN_NORMAL, t32 * unitRoundoff32, 0f, "float32: the threshold times 2^−24");
        double dropped64 = Math.nextDown(t64);
        float dropped32 = Math.nextDown(t32);
        double bound64 = Double.MIN_NORMAL / unitRoundoff64 / unitRoundoff64;
        float bound32 = Float.MIN_NORMAL / unitRoundoff32 / unitRoundoff32;
        assertEquals(Math.nextUp(bound64), Math.nextUp(bound64) - dropped64, 0.0, "float64: just above MIN_NORMAL·2^106");
        assertEquals(Math.nextUp(bound32), Math.nextUp(bound32) - dropped32, 0f, "float32: just above MIN_NORMAL·2^48");
        for (int i = 0; i < 1000; i++) {
            double g64 = Math.scalb(1 + random.nextDouble(), random.nextInt(0, 1023)) * t64;
            double w64 = Math.scalb(1 + random.nextDouble(), random.nextInt(-53, 0));
            assertTrue(Math.abs(g64 * w64) >= Double.MIN_NORMAL, g64 + " · " + w64);
            float g32 = Math.scalb(1 + random.nextFloat() / 2, random.nextInt(0, 102)) * t32;
            float w32 = Math.scalb(1 + random.nextFloat() / 2, random.nextInt(-24, 0));
            assertTrue(Math.abs(g32 * w32) >= Float.MIN_NORMAL, g32 + " · " + w32);
            double v64 = Math.nextUp(Math.scalb(1 + random.nextDouble(), random.nextInt(0, 1000)) * bound64);
            assertEquals(v64, v64 + dropped64, 0.0, "float64: " + v64 + " + " + dropped64);
            assertEquals(v64, v64 - dropped64, 0.0, "float64: " + v64 + " − " + dropped64);
            float v32 = Math.nextUp(Math.scalb(1 + random.nextFloat() / 2, random.nextInt(0, 150)) * bound32);
            assertEquals(v32, v32 + dropped32, 0f, "float32: " + v32 + " + " + dropped32);
            assertEquals(v32, v32 - dropped32, 0f, "float32: " + v32 + " − " + dropped32);
        }
    }
}
