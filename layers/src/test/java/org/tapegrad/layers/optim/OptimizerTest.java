package org.tapegrad.layers.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.tapegrad.tape.Layout;
import org.tapegrad.tape.Parameter;

/** The contract every optimizer shares: state per parameter, gradients untouched, validation, no allocation. */
class OptimizerTest {

    private static final List<Supplier<Optimizer>> ALL = List.of(
            () -> Sgd.builder(0.1).momentum(0.9).nesterov(true).weightDecay(0.01).build(),
            () -> RmsProp.builder(0.01).momentum(0.5).centered(true).build(),
            () -> Adam.of(0.01),
            () -> Adagrad.builder(0.1).learningRateDecay(0.1).build());

    private static Parameter withGrad(String name, double... grad) {
        Parameter p = new Parameter(name, 1, grad.length);
        p.update((value, g) -> {
            for (int i = 0; i < value.length; i++) {
                value[i] = 0.5 + i;
            }
        });
        p.updateGrad(g -> System.arraycopy(grad, 0, g, 0, grad.length));
        return p;
    }

    private static double[] value(Parameter p) {
        return Layout.toRowMajorFlat(p.value());
    }

    @Test
    void neverTouchesGradients() {
        for (Supplier<Optimizer> make : ALL) {
            Parameter p = withGrad("w", 1, -2, 3);
            Optimizer opt = make.get();
            opt.step(List.of(p));
            opt.step(List.of(p));
            assertArrayEquals(new double[] {1, -2, 3}, Layout.toRowMajorFlat(p.grad()), opt.toString());
        }
    }

    @Test
    void skipsParametersWithoutGradientAndKeepsTheirStepCountAtZero() {
        for (Supplier<Optimizer> make : ALL) {
            Optimizer shared = make.get();
            Parameter early = withGrad("early", 1, 2);
            Parameter late = new Parameter("late", 1, 2);
            shared.step(List.of(early, late));
            shared.step(List.of(early, late));
            assertFalse(late.hasGrad(), "stepping must not create a gradient buffer");
            assertArrayEquals(new double[] {0, 0}, value(late));

            // From now on 'late' has a gradient: its first update must be that of a fresh optimizer.
            late.updateGrad(g -> {
                g[0] = 0.3;
                g[1] = -0.7;
            });
            Parameter twin = withGrad("twin", 0.3, -0.7);
            twin.assign(new double[][] {{0, 0}});
            shared.step(List.of(early, late));
            make.get().step(List.of(twin));
            assertArrayEquals(value(twin), value(late), shared.toString());
        }
    }

    @Test
    void stateIsPerParameterObjectNotPerList() {
        for (Supplier<Optimizer> make : ALL) {
            Optimizer together = make.get();
            Optimizer separately = make.get();
            Parameter a = withGrad("a", 0.1, -0.2);
            Parameter b = withGrad("b", 0.4, 0.5);
            Parameter a2 = withGrad("a", 0.1, -0.2);
            Parameter b2 = withGrad("b", 0.4, 0.5);
            for (int t = 0; t < 3; t++) {
                together.step(List.of(a, b));
                separately.step(List.of(b2));
                separately.step(List.of(a2));
            }
            assertArrayEquals(value(a), value(a2));
            assertArrayEquals(value(b), value(b2));
        }
    }

    @Test
    void resetForgetsState() {
        for (Supplier<Optimizer> make : ALL) {
            Optimizer opt = make.get();
            Parameter p = withGrad("w", 0.2, -0.1);
            opt.step(List.of(p));
            opt.reset();
            Parameter fresh = withGrad("w", 0.2, -0.1);
            fresh.assign(p.value());
            opt.step(List.of(p));
            make.get().step(List.of(fresh));
            assertArrayEquals(value(fresh), value(p), opt.toString());
        }
    }

    @Test
    void learningRateCanBeScheduled() {
        Sgd sgd = Sgd.of(0.1);
        sgd.setLearningRate(0.5);
        Parameter p = withGrad("w", 2);
        sgd.step(List.of(p));
        assertEquals(0.5 - 0.5 * 2, p.value().doubleValue(0, 0));
        assertThrows(IllegalArgumentException.class, () -> sgd.setLearningRate(0));
    }

    @Test
    void steadyStateStepAllocatesNothing() {
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Parameter a = withGrad("a", 0.1, 0.2, 0.3);
        Parameter b = withGrad("b", -0.1, 0.5);
        List<Parameter> params = List.of(a, b);
        for (Supplier<Optimizer> make : ALL) {
            Optimizer opt = make.get();
            for (int i = 0; i < 20_000; i++) {
                opt.step(params);
            }
            long before = bean.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 1000; i++) {
                opt.step(params);
            }
            long allocated = bean.getCurrentThreadAllocatedBytes() - before;
            // The probe itself may allocate a few bytes; 1000 allocating steps would need tens of kilobytes.
            assertTrue(allocated < 1000, opt + " allocated " + allocated + " bytes in 1000 steps");
        }
    }

    @Test
    void rejectsBadHyperParametersNamingThem() {
        assertMessage("learningRate", () -> Sgd.of(-1));
        assertMessage("learningRate", () -> Adam.of(Double.NaN));
        assertMessage("momentum", () -> Sgd.builder(0.1).momentum(1).build());
        assertMessage("Nesterov", () -> Sgd.builder(0.1).nesterov(true).build());
        assertMessage("Nesterov", () -> Sgd.builder(0.1).momentum(0.9).dampening(0.1).nesterov(true).build());
        assertMessage("weightDecay", () -> Sgd.builder(0.1).weightDecay(-0.1).build());
        assertMessage("decay", () -> RmsProp.builder(0.1).decay(1).build());
        assertMessage("epsilon", () -> RmsProp.builder(0.1).epsilon(0).build());
        assertMessage("beta1", () -> Adam.builder(0.1).betas(1, 0.999).build());
        assertMessage("beta2", () -> Adam.builder(0.1).betas(0.9, -0.1).build());
        assertMessage("epsilon", () -> Adam.builder(0.1).epsilon(Double.POSITIVE_INFINITY).build());
        assertMessage("learningRateDecay", () -> Adagrad.builder(0.1).learningRateDecay(-1).build());
        assertMessage("initialAccumulator", () -> Adagrad.builder(0.1).initialAccumulator(-1).build());
    }

    @Test
    void rejectsNullParameterNamingItsIndex() {
        List<Parameter> withNull = java.util.Arrays.asList(withGrad("a", 1), null);
        NullPointerException e = assertThrows(NullPointerException.class, () -> Adam.of(0.1).step(withNull));
        assertTrue(e.getMessage().contains("parameter 1"), e.getMessage());
    }

    private static void assertMessage(String fragment, org.junit.jupiter.api.function.Executable build) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }
}
