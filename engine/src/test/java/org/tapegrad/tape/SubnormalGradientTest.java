package org.tapegrad.tape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.tapegrad.kernel.Kernels;
import org.tapegrad.kernel.ScalarActivations;
import org.tapegrad.op.DType;

/**
 * A tape flushes the subnormals out of an intermediate's gradient before the VJP that reads it (by default), keeps
 * them when told not to, and never flushes a leaf's gradient: in both element types and on both activation kernels.
 */
class SubnormalGradientTest {

    /** The default kernels and the same with the plain-Java activations. */
    private static List<Kernels> kernels() {
        List<Kernels> all = new ArrayList<>(List.of(Kernels.defaults()));
        all.add(Kernels.defaults().withActivations(new ScalarActivations()));
        return all;
    }

    /** {@code y = a·x}, {@code z = b·y}, {@code L = Σ c·z}: {@code ∂L/∂y = b·c}, subnormal for these constants, and {@code ∂L/∂x = a·b·c} normal. */
    private record Chain(double a, double b, double c) {

        /** The gradients of y and x, as the ops compute them, in the tape's element type (each product rounded to it). */
        double[] exactGradients(DType dtype) {
            if (dtype == DType.F32) {
                float gy = (float) b * (float) c;
                return new double[] {gy, (float) a * gy};
            }
            double gy = b * c;
            return new double[] {gy, a * gy};
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

    private static Chain chainFor(DType dtype) {
        return dtype == DType.F32 ? new Chain(1e30, 1e-20, 1e-20) : new Chain(1e300, 1e-120, 1e-200);
    }

    private static double minNormal(DType dtype) {
        return dtype == DType.F32 ? Float.MIN_NORMAL : Double.MIN_NORMAL;
    }

    @Test
    void flushingIsOnByDefaultInBothElementTypes() {
        assertTrue(new Tape().flushesSubnormalGradients());
        assertTrue(new Tape(DType.F32).flushesSubnormalGradients());
        Tape tape = new Tape();
        tape.setFlushSubnormalGradients(false);
        assertFalse(tape.flushesSubnormalGradients());
    }

    @Test
    void aSubnormalIntermediateGradientIsFlushedToZeroByDefault() {
        for (DType dtype : DType.values()) {
            Chain chain = chainFor(dtype);
            double exactGy = chain.exactGradients(dtype)[0];
            assertTrue(exactGy > 0 && exactGy < minNormal(dtype), dtype + ": the constants must make ∂L/∂y subnormal, got " + exactGy);
            for (Kernels k : kernels()) {
                double[] g = chain.gradients(new Tape(k, dtype));
                String what = dtype + " on " + k;
                assertEquals(Double.doubleToLongBits(0.0), Double.doubleToLongBits(g[0]), what + ": ∂L/∂y, +0 (of the sign of " + exactGy + ")");
                assertEquals(Double.doubleToLongBits(0.0), Double.doubleToLongBits(g[1]), what + ": ∂L/∂x, from the flushed ∂L/∂y");
            }
        }
    }

    @Test
    void withFlushingOffTheSubnormalGradientIsExact() {
        for (DType dtype : DType.values()) {
            double[] exact = chainFor(dtype).exactGradients(dtype);
            assertTrue(exact[1] >= minNormal(dtype), dtype + ": ∂L/∂x must be normal, got " + exact[1]);
            for (Kernels k : kernels()) {
                Tape tape = new Tape(k, dtype);
                tape.setFlushSubnormalGradients(false);
                double[] g = chainFor(dtype).gradients(tape);
                assertEquals(exact[0], g[0], 0.0, dtype + " on " + k + ": ∂L/∂y");
                assertEquals(exact[1], g[1], 0.0, dtype + " on " + k + ": ∂L/∂x");
            }
        }
    }

    /** {@code L = Σ s·p} with a subnormal s: the parameter's and the input's gradients are s, accumulated as before. */
    @Test
    void leafGradientsAreNotFlushed() {
        for (DType dtype : DType.values()) {
            double s = dtype == DType.F32 ? 1e-40 : 1e-310;
            double expected = dtype == DType.F32 ? (float) s : s;
            assertTrue(expected > 0 && expected < minNormal(dtype), dtype + ": s must be subnormal");
            Parameter p = Parameter.of("p", new double[][] {{1.0}}).to(dtype);
            Tape tape = new Tape(dtype);
            Var x = tape.variable(new double[][] {{1.0}});
            Gradients g = tape.backward(tape.param(p).times(s).plus(x.times(s)).sum());
            assertEquals(expected, p.grad().doubleValue(0, 0), 0.0, dtype + ": the parameter's gradient");
            assertEquals(expected, g.of(x).doubleValue(0, 0), 0.0, dtype + ": the input's gradient");
        }
    }
}
