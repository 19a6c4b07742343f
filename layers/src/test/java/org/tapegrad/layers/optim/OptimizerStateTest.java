package org.tapegrad.layers.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.tapegrad.tape.Layout;
import org.tapegrad.tape.Parameter;

/** Every built-in optimizer's state, taken after some steps and loaded into a fresh optimizer, continues bit for bit. */
class OptimizerStateTest {

    private static final List<Supplier<Optimizer>> OPTIMIZERS = List.of(
            () -> Adam.builder(0.01).weightDecay(0.1).build(),
            () -> Adam.builder(0.01).weightDecay(0.1).decoupledWeightDecay(true).build(),
            () -> Sgd.builder(0.05).momentum(0.9).nesterov(true).build(),
            () -> Sgd.of(0.05),
            () -> RmsProp.builder(0.01).centered(true).momentum(0.5).build(),
            () -> RmsProp.of(0.01),
            () -> Adagrad.builder(0.1).learningRateDecay(0.01).initialAccumulator(0.1).build());

    @Test
    void stateLoadedIntoAFreshOptimizerContinuesBitForBit() {
        for (Supplier<Optimizer> make : OPTIMIZERS) {
            List<Parameter> a = parameters();
            List<Parameter> b = parameters();
            Optimizer first = make.get();
            for (int s = 0; s < 3; s++) {
                step(first, a, s);
            }
            Optimizer second = make.get();
            b.get(0).assign(a.get(0).value());
            b.get(1).assign(a.get(1).value());
            second.loadState(first.state(), b);
            for (int s = 3; s < 6; s++) {
                step(first, a, s);
                step(second, b, s);
            }
            for (int k = 0; k < a.size(); k++) {
                assertArrayEquals(Layout.toRowMajorFlat(a.get(k).value()), Layout.toRowMajorFlat(b.get(k).value()), first + " " + a.get(k).name());
            }
        }
    }

    @Test
    void stateIsKeyedByNameAndCountsSteps() {
        Optimizer adam = Adam.of(0.1);
        List<Parameter> ps = parameters();
        step(adam, ps, 0);
        step(adam, ps, 1);
        OptimizerState state = adam.state();
        assertEquals("Adam", state.optimizer());
        assertEquals(List.of("b", "w"), List.copyOf(state.parameters().keySet()));
        assertEquals(2, state.parameters().get("w").steps());
        assertEquals(6, state.parameters().get("w").arrays().get("first").length);
    }

    @Test
    void loadingAnotherOptimizersStateOrUnknownParametersIsRefusedAndChangesNothing() {
        List<Parameter> ps = parameters();
        Optimizer adam = Adam.of(0.1);
        step(adam, ps, 0);
        Optimizer rms = RmsProp.of(0.1);
        IllegalArgumentException kind = assertThrows(IllegalArgumentException.class, () -> rms.loadState(adam.state(), ps));
        assertTrue(kind.getMessage().contains("Adam"), kind.getMessage());
        Optimizer other = Adam.of(0.2);
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> other.loadState(adam.state(), List.of(new Parameter("w", 2, 3))));
        assertTrue(unknown.getMessage().contains("'b'"), unknown.getMessage());
        assertEquals(0.2, other.learningRate());
        assertTrue(other.state().parameters().isEmpty());
    }

    private static List<Parameter> parameters() {
        return List.of(Parameter.of("w", new double[][] {{0.1, -0.2, 0.3}, {0.4, 0.5, -0.6}}), Parameter.of("b", new double[][] {{0.01, 0.02}}));
    }

    /** One step with gradients that depend on the step number. */
    private static void step(Optimizer o, List<Parameter> ps, int s) {
        for (Parameter p : ps) {
            double[][] g = new double[p.shape().rows()][p.shape().cols()];
            for (int i = 0; i < g.length; i++) {
                for (int j = 0; j < g[i].length; j++) {
                    g[i][j] = Math.sin(1 + s + 3 * i + j);
                }
            }
            p.zeroGrad();
            p.accumulateGrad(Layout.matrix(g));
        }
        o.step(ps);
    }
}
