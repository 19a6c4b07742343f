package org.tapegrad.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * A kernel's outputs for fixed inputs are the same bits on its first call, interpreted (with the Vector API's Java
 * fallback), and after 200,000 calls, compiled by C2 with the vector intrinsics: the JDK's vector {@code EXP} failed
 * this in 4 lanes of 64. The kernels come from a class loader of their own, so that their first call here really is
 * their first in this JVM, whatever ran before.
 */
class ActivationJitStabilityTest {

    private static final int WARM_CALLS = 200_000;
    private static final String[] FUNCTIONS = {"exp", "tanh", "sigmoid"};

    @Test
    void firstCallAndWarmCallGiveTheSameBits() throws Exception {
        List<String> kernels = new ArrayList<>(List.of("org.tapegrad.kernel.ScalarActivations"));
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            kernels.add("org.tapegrad.kernel.VectorActivations");
        }
        URL classes = IeeeExp.class.getProtectionDomain().getCodeSource().getLocation();
        for (double[] x : List.of(inRange(), withSpecials())) {
            for (String kernel : kernels) {
                for (String function : FUNCTIONS) {
                    try (URLClassLoader fresh = new URLClassLoader(new URL[] {classes}, ClassLoader.getPlatformClassLoader())) {
                        Class<?> type = fresh.loadClass(kernel);
                        Object k = type.getDeclaredConstructor().newInstance();
                        Method f = type.getMethod(function, double[].class, int.class, double[].class, int.class, int.class);
                        double[] first = new double[x.length];
                        f.invoke(k, x, 0, first, 0, x.length);
                        double[] y = new double[x.length];
                        for (int i = 0; i < WARM_CALLS; i++) {
                            f.invoke(k, x, 0, y, 0, x.length);
                        }
                        double[] warm = new double[x.length];
                        f.invoke(k, x, 0, warm, 0, x.length);
                        for (int i = 0; i < x.length; i++) {
                            int lane = i;
                            assertEquals(Double.doubleToLongBits(first[i]), Double.doubleToLongBits(warm[i]),
                                    () -> kernel + "." + function + "(" + x[lane] + ") at " + lane + ": first call "
                                            + Double.toHexString(first[lane]) + ", after " + WARM_CALLS + " calls " + Double.toHexString(warm[lane]));
                        }
                    }
                }
            }
        }
    }

    /** 61 values (vectors and a tail) in every kernel's fast range, across the parts of the formulas. */
    private static double[] inRange() {
        SplittableRandom random = new SplittableRandom(64);
        double[] x = new double[61];
        for (int i = 0; i < x.length; i++) {
            x[i] = i % 3 == 0 ? random.nextDouble(-30, 30) : i % 3 == 1 ? random.nextDouble(-1, 1) : Math.scalb(random.nextDouble(), -i);
        }
        x[7] = 0.0;
        x[8] = -0.0;
        return x;
    }

    /** 37 values with the ones that take the scalar code: ±∞, NaN, overflow, underflow, subnormal results. */
    private static double[] withSpecials() {
        double[] x = new double[37];
        double[] specials = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, 709.78, 710, -745.1, -746, -740,
            -708.5, 351, -400, Double.MIN_VALUE, -0.0};
        for (int i = 0; i < x.length; i++) {
            x[i] = i < specials.length ? specials[i] : (i - 25) * 0.75;
        }
        return x;
    }
}
