package org.tapegrad.layers.diag;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.tapegrad.layers.cell.HiddenState;
import org.tapegrad.layers.cell.RnnCell;
import org.tapegrad.layers.seq.Unroll;
import org.tapegrad.layers.seq.Unrolled;
import org.tapegrad.tape.Gradients;
import org.tapegrad.tape.Layout;
import org.tapegrad.tape.NoGrad;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

class JacobianProbeTest {

    private static final int T = 6;
    private static final int B = 2;
    private static final int H = 3;

    private static List<Var> inputs(Tape tape, int inputSize, double scale, Random random) {
        List<Var> xs = new ArrayList<>();
        for (int t = 0; t < T; t++) {
            xs.add(tape.constant(Dense.gaussian(B, inputSize, scale, random)));
        }
        return xs;
    }

    @Test
    void withIdentityActivationTheJacobianIsAPowerOfWh() {
        Random random = new Random(3);
        double[][] wh = Dense.gaussian(H, H, 0.7, random);
        LinearCell cell = new LinearCell(Dense.gaussian(2, H, 1, random), wh);
        Tape tape = new Tape();
        Unrolled<HiddenState> u = Unroll.run(cell, tape, inputs(tape, 2, 1, random), cell.initialState(tape, B));
        StepJacobians j = JacobianProbe.exact(u.outputs());
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < T; t++) {
                Dense.assertClose(Dense.power(wh, T - 1 - t), j.jacobian(b, t), 1e-12, "∂h_T/∂h_t, row " + b + ", t=" + t);
                assertEquals(Dense.frobenius(Dense.power(wh, T - 1 - t)), j.frobeniusNorm(b, t), 1e-12);
            }
        }
        JacobianProbe.random(u.outputs(), 3, new Random(1));
        assertFalse(cell.wx.hasGrad(), "the probes' gradient passes must not give the parameters a gradient");
        assertFalse(cell.wh.hasGrad(), "the probes' gradient passes must not give the parameters a gradient");
    }

    /**
     * {@code L = Σ_s ⟨C_s, h_s⟩}: the gradient reaching {@code h_t} is {@code Σ_{s≥t} C_s·(W_h^{s−t})ᵀ}, the paths
     * through every later step; and probing Jacobians afterwards leaves the parameters' gradients, and the gradients
     * of that backward pass, as they were.
     */
    @Test
    void perStepGradientIsTheTotalDerivativeAndProbesLeaveGradientsAlone() {
        Random random = new Random(4);
        double[][] wh = Dense.gaussian(H, H, 0.7, random);
        LinearCell cell = new LinearCell(Dense.gaussian(2, H, 1, random), wh);
        Tape tape = new Tape();
        Unrolled<HiddenState> u = GradientFlow.retain(Unroll.run(cell, tape, inputs(tape, 2, 1, random), cell.initialState(tape, B)));
        List<double[][]> c = new ArrayList<>();
        Var loss = null;
        for (int t = 0; t < T; t++) {
            c.add(Dense.gaussian(B, H, 1, random));
            Var term = u.outputs().get(t).times(tape.constant(c.get(t))).sum();
            loss = loss == null ? term : loss.plus(term);
        }
        Gradients gradients = tape.backward(loss);
        double[] norms = GradientFlow.outputGradientNorms(gradients, u);
        for (int t = 0; t < T; t++) {
            double[][] expected = new double[B][H];
            for (int s = t; s < T; s++) {
                double[][] path = Dense.multiply(c.get(s), Dense.transpose(Dense.power(wh, s - t)));
                for (int b = 0; b < B; b++) {
                    for (int k = 0; k < H; k++) {
                        expected[b][k] += path[b][k];
                    }
                }
            }
            Dense.assertClose(expected, u.outputs().get(t).grad(), 1e-12, "∂L/∂h_" + t);
            assertEquals(Dense.frobenius(expected), norms[t], 1e-12 * Math.max(1, norms[t]));
        }
        assertArrayEquals(norms, GradientFlow.stateGradientNorms(gradients, u, 0));
        double[] wxGrad = Layout.toRowMajorFlat(cell.wx.grad());
        double[] whGrad = Layout.toRowMajorFlat(cell.wh.grad());
        JacobianProbe.exact(u.outputs());
        JacobianProbe.random(u.outputs(), 5, new Random(1));
        assertArrayEquals(wxGrad, Layout.toRowMajorFlat(cell.wx.grad()));
        assertArrayEquals(whGrad, Layout.toRowMajorFlat(cell.wh.grad()));
        assertArrayEquals(norms, GradientFlow.outputGradientNorms(gradients, u), "the backward pass's gradients stay valid");
    }

    @Test
    void tanhJacobianIsTheProductOfWhTimesDiagonalDerivatives() {
        Random random = new Random(5);
        RnnCell cell = new RnnCell("rnn", 2, H, RnnCell.Activation.TANH, random);
        Tape tape = new Tape();
        Unrolled<HiddenState> u = Unroll.run(cell, tape, inputs(tape, 2, 1, random), cell.initialState(tape, B));
        StepJacobians j = JacobianProbe.exact(u.outputs());
        double[][] wh = Dense.of(cell.wh().value());
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < T; t++) {
                double[][] product = Dense.identity(H);
                for (int k = t + 1; k < T; k++) {
                    double[][] step = Dense.multiply(product, wh);
                    for (int col = 0; col < H; col++) {
                        double h = u.outputs().get(k).get(b, col);
                        for (double[] row : step) {
                            row[col] *= 1 - h * h;
                        }
                    }
                    product = step;
                }
                Dense.assertClose(product, j.jacobian(b, t), 1e-12, "row " + b + ", t=" + t);
            }
        }
    }

    @Test
    void randomProbesEstimateTheFrobeniusNormAndBoundTheSpectralNormFromBelow() {
        Random random = new Random(6);
        RnnCell cell = new RnnCell("rnn", 2, 4, RnnCell.Activation.TANH, random);
        Tape tape = new Tape();
        List<Var> xs = inputs(tape, 2, 0.5, random);
        Unrolled<HiddenState> u = Unroll.run(cell, tape, xs, cell.initialState(tape, B));
        StepJacobians exact = JacobianProbe.exact(u.outputs());
        ProbeEstimate estimate = JacobianProbe.random(u.outputs(), 1000, new Random(7));
        assertEquals(1000, estimate.probes());
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < T; t++) {
                double frobenius = exact.frobeniusNorm(b, t);
                double spectral = exact.spectralNorm(b, t);
                assertTrue(estimate.spectralLowerBound(b, t) <= spectral * (1 + 1e-12), "lower bound at t=" + t);
                assertTrue(estimate.spectralLowerBound(b, t) >= 0.8 * spectral, "1000 probes come near the top singular direction");
                assertEquals(frobenius, estimate.frobeniusNorm(b, t), 0.1 * frobenius, "Frobenius estimate at t=" + t);
            }
        }
    }

    @Test
    void stepsWithoutGradientAreRejectedByName() {
        RnnCell cell = new RnnCell("rnn", 1, 2, RnnCell.Activation.TANH, new Random(0));
        Tape tape = new Tape();
        Var x = tape.constant(new double[][] {{1}});
        HiddenState s0 = cell.initialState(tape, 1);
        HiddenState s1;
        try (NoGrad ignored = tape.noGrad()) {
            s1 = cell.step(tape, x, s0);
        }
        HiddenState s2 = cell.step(tape, x, s1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JacobianProbe.exact(List.of(s1.h(), s2.h())));
        assertTrue(e.getMessage().startsWith("Jacobian probe: output 0 [1×2] was not recorded with gradient"), e.getMessage());
    }
}
