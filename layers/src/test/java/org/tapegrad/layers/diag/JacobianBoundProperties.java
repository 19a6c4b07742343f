package org.tapegrad.layers.diag;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.tapegrad.layers.Theories.decimals;
import static org.tapegrad.layers.Theories.qt;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.tapegrad.layers.cell.HiddenState;
import org.tapegrad.layers.cell.RnnCell;
import org.tapegrad.layers.seq.Unroll;
import org.tapegrad.layers.seq.Unrolled;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * docs/theory.md §1: {@code ‖∂h_T/∂h_t‖₂ ≤ (γ‖W_h‖₂)^{T−t}} with γ = 1 for tanh and 1/4 for sigmoid, for any weights
 * and inputs (the Jacobian measured by {@link JacobianProbe#exact}, ‖W_h‖₂ by {@link SpectralNorm}).
 */
class JacobianBoundProperties {

    record Setup(RnnCell.Activation activation, int steps, int batch, int hidden, double weightScale, double inputScale, long seed) {
    }

    static final Gen<Setup> SETUPS = in -> new Setup(arbitrary().pick(RnnCell.Activation.TANH, RnnCell.Activation.SIGMOID).generate(in),
            integers().between(1, 8).generate(in), integers().between(1, 2).generate(in), integers().between(1, 4).generate(in),
            decimals(0.1, 4, 2).generate(in), decimals(0, 2, 2).generate(in), longs().between(0, 10_000).generate(in));

    @Test
    void jacobianNormIsBoundedByGammaTimesTheSpectralNormOfWhToThePowerOfTheDistance() {
        qt(150).forAll(SETUPS).checkAssert(JacobianBoundProperties::jacobianNormIsBoundedByGammaTimesTheSpectralNormOfWhToThePowerOfTheDistance);
    }

    static void jacobianNormIsBoundedByGammaTimesTheSpectralNormOfWhToThePowerOfTheDistance(Setup s) {
        Random random = new Random(s.seed());
        RnnCell cell = new RnnCell("rnn", 2, s.hidden(), s.activation(), random);
        cell.wh().update((wh, grad) -> {
            for (int i = 0; i < wh.length; i++) {
                wh[i] *= s.weightScale() * Math.sqrt(s.hidden());
            }
        });
        Tape tape = new Tape();
        List<Var> xs = new ArrayList<>();
        for (int t = 0; t < s.steps(); t++) {
            xs.add(tape.constant(Dense.gaussian(s.batch(), 2, s.inputScale(), random)));
        }
        Unrolled<HiddenState> u = Unroll.run(cell, tape, xs, cell.initialState(tape, s.batch()));
        StepJacobians j = JacobianProbe.exact(u.outputs());
        double gamma = s.activation() == RnnCell.Activation.TANH ? 1.0 : 0.25;
        double factor = gamma * SpectralNorm.of(cell.wh());
        for (int b = 0; b < s.batch(); b++) {
            for (int t = 0; t < s.steps(); t++) {
                double bound = Math.pow(factor, s.steps() - 1 - t);
                double norm = j.spectralNorm(b, t);
                assertTrue(norm <= bound * (1 + 1e-10) + 1e-300, "‖∂h_T/∂h_t‖₂ = " + norm + " > bound " + bound + " at t=" + t + ", row " + b);
            }
        }
    }
}
