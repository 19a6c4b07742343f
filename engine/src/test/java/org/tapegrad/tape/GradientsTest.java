package org.tapegrad.tape;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.ojalgo.matrix.store.MatrixStore;

/** Gradients as values: {@code tape.gradients} changes nothing; {@code backward} adds exactly one pass into parameters. */
class GradientsTest {

    @Test
    void gradientsChangeNoParameterAndRepeatBitForBit() {
        Parameter w = Parameter.of("w", new double[][] {{0.5, -1.0}, {2.0, 0.25}});
        Parameter b = Parameter.of("b", new double[][] {{0.1, -0.3}});
        Tape t = new Tape();
        Var h = t.constant(new double[][] {{1, 2}, {3, -4}}).matmul(t.param(w)).plus(t.param(b)).tanh().retainGrad();
        Var loss = h.times(h).sum();
        Gradients first = t.gradients(loss, null);
        Gradients second = t.gradients(loss, null);
        assertFalse(w.hasGrad(), "no gradient buffer is created on the parameter");
        assertFalse(b.hasGrad());
        assertArrayEquals(Layout.toRowMajorFlat(first.of(w)), Layout.toRowMajorFlat(second.of(w)));
        assertArrayEquals(Layout.toRowMajorFlat(first.of(h)), Layout.toRowMajorFlat(second.of(h)));
        assertTrue(first.reached(w));
        t.backward(loss);
        assertArrayEquals(Layout.toRowMajorFlat(first.of(w)), Layout.toRowMajorFlat(w.grad()), "backward adds the same gradient once");
        t.backward(loss);
        double[] twice = Layout.toRowMajorFlat(w.grad());
        double[] once = Layout.toRowMajorFlat(first.of(w));
        for (int i = 0; i < once.length; i++) {
            assertEquals(2 * once[i], twice[i], 1e-15 * Math.abs(once[i]), "a second backward adds the same again");
        }
    }

    @Test
    void gradientsOfAnOutputWithASeedAndOfUnreachedValues() {
        Parameter x = Parameter.of("x", new double[][] {{1.0, 2.0}});
        Parameter unused = Parameter.of("unused", new double[][] {{5.0}});
        Tape t = new Tape();
        Var xv = t.param(x);
        Var side = t.param(unused).times(3.0);
        Var y = xv.times(xv);                                   // dy/dx = 2x, contracted with the seed (1, 10)
        Gradients g = t.gradients(y, Layout.matrix(new double[][] {{1, 10}}));
        assertArrayEquals(new double[] {2, 40}, Layout.toRowMajorFlat(g.of(x)));
        assertFalse(g.reached(side));
        assertArrayEquals(new double[] {0}, Layout.toRowMajorFlat(g.of(side)));
        assertArrayEquals(new double[] {0}, Layout.toRowMajorFlat(g.of(unused)), "unused on the path: zero");
        assertArrayEquals(new double[] {0}, Layout.toRowMajorFlat(g.of(new Parameter("never", 1, 1))), "never on the tape: zero");
        IllegalArgumentException seed = assertThrows(IllegalArgumentException.class, () -> t.gradients(y, Layout.matrix(new double[][] {{1}})));
        assertEquals("gradients: the output is [1×2] but the seed is [1×1]", seed.getMessage());
        assertThrows(IllegalArgumentException.class, () -> g.of(t.row(1)), "a constant has no gradient");
        t.reset();
        assertThrows(IllegalStateException.class, () -> g.of(x), "gradients die with the recording");
    }

    @Test
    void gradientsAreReadOnlyViews() {
        Parameter p = Parameter.of("p", new double[][] {{1, 2}});
        Tape t = new Tape();
        MatrixStore<Double> g = t.gradients(t.param(p).sum(), null).of(p);
        assertFalse(g instanceof org.ojalgo.matrix.store.PhysicalStore, "no mutable store is handed out");
        assertFalse(p.value() instanceof org.ojalgo.matrix.store.PhysicalStore);
        assertFalse(p.grad() instanceof org.ojalgo.matrix.store.PhysicalStore);
        assertFalse(t.param(p).value() instanceof org.ojalgo.matrix.store.PhysicalStore);
    }

    @Test
    void varGradReadsTheLastBackwardPass() {
        Parameter w = Parameter.of("w", new double[][] {{3.0}});
        Tape t = new Tape();
        Var wv = t.param(w);
        Var y = wv.times(wv);
        IllegalStateException before = assertThrows(IllegalStateException.class, wv::grad);
        assertTrue(before.getMessage().contains("no backward pass"), before.getMessage());
        t.gradients(y, null);
        assertThrows(IllegalStateException.class, wv::grad, "gradients() is not a backward: Var.grad() stays unset");
        t.backward(y);
        t.backward(y);
        Var h = wv.times(2.0).retainGrad();
        t.backward(h.times(h));
        assertEquals(36.0, wv.grad().get(0, 0), 0.0, "a parameter's leaf: the accumulated gradient, 6 + 6 + 8w");
        assertEquals(12.0, h.grad().get(0, 0), 0.0, "an intermediate: the last pass only, 2h");
        assertEquals(36.0, w.grad().get(0, 0), 0.0);
    }
}
