package org.tapegrad.layers.cell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.tapegrad.op.ShapeException;
import org.tapegrad.tape.Layout;
import org.tapegrad.tape.Tape;

class LstmCellTest {

    @Test
    void forgetBiasSetsOnlyTheForgetBlock() {
        LstmCell plain = new LstmCell("a", 2, 3, new Random(7));
        LstmCell biased = new LstmCell("a", 2, 3, 1.0, new Random(7));
        for (int j = 0; j < 12; j++) {
            double expected = j >= 3 && j < 6 ? 1.0 : plain.b().value().get(0, j);
            assertEquals(expected, biased.b().value().get(0, j), "bias column " + j);
        }
        double bound = 1 / Math.sqrt(3);
        for (double w : Layout.toRowMajorFlat(plain.wh().value())) {
            assertTrue(Math.abs(w) <= bound);
        }
    }

    /** One step from zero state on a 1×1 cell, written out: c = i·g, h = o·tanh(c). */
    @Test
    void oneStepMatchesTheGateEquations() {
        LstmCell cell = new LstmCell("a", 1, 1, new Random(1));
        double[] w = {0.5, -1.0, 2.0, 0.25};
        double[] bias = {0.1, 0.2, -0.3, 0.4};
        cell.wx().assign(new double[][] {w});
        cell.b().assign(new double[][] {bias});
        Tape tape = new Tape();
        LstmState s = cell.step(tape, tape.constant(new double[][] {{0.8}}), cell.initialState(tape, 1));
        double i = 1 / (1 + Math.exp(-(0.8 * w[0] + bias[0])));
        double g = Math.tanh(0.8 * w[2] + bias[2]);
        double o = 1 / (1 + Math.exp(-(0.8 * w[3] + bias[3])));
        assertEquals(i * g, s.c().item(), 1e-15);
        assertEquals(o * Math.tanh(i * g), s.h().item(), 1e-15);
    }

    @Test
    void aStepInputOfTheWrongShapeIsRejected() {
        LstmCell cell = new LstmCell("a", 2, 3, new Random(7));
        Tape tape = new Tape();
        ShapeException e = assertThrows(ShapeException.class, () -> cell.step(tape, tape.filled(1, 2, 0), cell.initialState(tape, 4)));
        assertTrue(e.getMessage().contains("expected 4×2"), e.getMessage());
    }
}
