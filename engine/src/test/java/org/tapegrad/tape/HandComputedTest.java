package org.tapegrad.tape;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** End-to-end checks against numbers computed by hand. */
class HandComputedTest {

    /** The single tanh neuron worked by hand in micrograd's walkthrough: o = tanh(x1·w1 + x2·w2 + b). */
    @Test
    void tanhNeuron() {
        Parameter x = Parameter.of("x", new double[][] {{2.0, 0.0}});
        Parameter w = Parameter.of("w", new double[][] {{-3.0}, {1.0}});
        Parameter b = Parameter.of("b", new double[][] {{6.8813735870195432}});
        Tape t = new Tape();
        Var o = t.param(x).matmul(w).plus(b).tanh();
        t.backward(o);
        assertEquals(Math.sqrt(0.5), o.item(), 1e-12);          // tanh(0.8813735870195432) = 1/√2
        // do/dn = 1 − o² = 0.5; do/dx1 = w1·0.5, do/dw1 = x1·0.5, ...
        assertArrayEquals(new double[] {-1.5, 0.5}, Layout.toRowMajorFlat(x.grad()), 1e-12);
        assertArrayEquals(new double[] {1.0, 0.0}, Layout.toRowMajorFlat(w.grad()), 1e-12);
        assertEquals(0.5, b.grad().get(0, 0), 1e-12);
    }

    /** docs/theory.md §4: the first step of the "dogs" RNN, in row-vector form (weights transposed). */
    @Test
    void dogsFirstStep() {
        double[][] wxh = {{0.6, 0.8, 0.4, 0.8}, {0.2, 0.2, 0.8, 0.7}, {0.9, 0.8, 0.1, 0.2}};
        double[][] why = {{0.9, 0.8, 0.3}, {0.2, 0.3, 0.4}, {0.6, 0.9, 0.1}, {0.5, 0.0, 0.3}};
        Tape t = new Tape();
        Var d = t.row(1, 0, 0, 0);
        Var h1 = d.matmulBT(t.constant(wxh)).sigmoid();          // h₀ = 0, so W_hh drops out
        Var y1 = h1.matmulBT(t.constant(why)).softmax();
        assertArrayEquals(new double[] {0.65, 0.55, 0.71}, round2(h1.toArray()[0]));
        assertArrayEquals(new double[] {0.36, 0.19, 0.27, 0.18}, round2(y1.toArray()[0]));
    }

    private static double[] round2(double[] v) {
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = Math.round(v[i] * 100) / 100.0;
        }
        return r;
    }
}
