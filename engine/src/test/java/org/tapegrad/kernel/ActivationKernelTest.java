package org.tapegrad.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** Both activation kernels agree with the textbook functions, at every offset and length, including the extremes. */
class ActivationKernelTest {

    static java.util.List<ActivationKernel> kernels() {
        java.util.List<ActivationKernel> all = new java.util.ArrayList<>(java.util.List.of(new ScalarActivations()));
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            all.add(Activations.select("vector"));
        }
        return all;
    }

    @Provide
    Arbitrary<double[]> inputs() {
        Arbitrary<Double> value = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.doubles().between(-30, 30)),
                net.jqwik.api.Tuple.of(2, Arbitraries.doubles().between(-1e-3, 1e-3).ofScale(12)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(0.0, -0.0, 800.0, -800.0, 1e-300, -1e-300, 0x1p-8, -0x1p-8, 40.0, -40.0)));
        return value.array(double[].class).ofMinSize(0).ofMaxSize(37);
    }

    @Property(tries = 200)
    void everyKernelMatchesTheDefinitions(@ForAll("inputs") double[] x, @ForAll("offsets") int offset) {
        double[] padded = new double[x.length + offset];
        System.arraycopy(x, 0, padded, offset, x.length);
        for (ActivationKernel kernel : kernels()) {
            double[] tanh = new double[x.length + 3];
            double[] sigmoid = new double[x.length + 3];
            double[] exp = new double[x.length + 3];
            kernel.tanh(padded, offset, tanh, 3, x.length);
            kernel.sigmoid(padded, offset, sigmoid, 3, x.length);
            kernel.exp(padded, offset, exp, 3, x.length);
            for (int i = 0; i < x.length; i++) {
                double v = x[i];
                assertClose(Math.tanh(v), tanh[3 + i], kernel.name() + " tanh(" + v + ")");
                double s = v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
                assertClose(s, sigmoid[3 + i], kernel.name() + " sigmoid(" + v + ")");
                assertClose(Math.exp(v), exp[3 + i], kernel.name() + " exp(" + v + ")");
            }
        }
    }

    @Provide
    Arbitrary<Integer> offsets() {
        return Arbitraries.integers().between(0, 9);
    }

    /** A few ulp of relative error, or an absolute 1e-300 near underflow. */
    private static void assertClose(double expected, double actual, String what) {
        assertTrue(expected == actual || Math.abs(expected - actual) <= 4 * Math.ulp(expected) + 1e-300, what + ": expected " + expected + " got " + actual);
    }

    @Test
    void selectionByName() {
        assertEquals("java", Activations.select("java").name());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Activations.select("svml"));
        assertEquals("tapegrad.activations=svml: unknown activation kernel; expected vector or java", e.getMessage());
    }
}
