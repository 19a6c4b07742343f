package org.tapegrad.layers.seq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.tapegrad.layers.cell.RnnCell;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

class BidirectionalTest {

    /** Step t, row b holds the number 10·t + b, so the reversal can be read off directly. */
    static List<Var> labelled(Tape tape, int steps, int batch) {
        List<Var> xs = new ArrayList<>();
        for (int t = 0; t < steps; t++) {
            double[][] x = new double[batch][1];
            for (int b = 0; b < batch; b++) {
                x[b][0] = 10 * t + b;
            }
            xs.add(tape.constant(x));
        }
        return xs;
    }

    @Test
    void eachSequenceIsReversedWithinItsOwnLength() {
        Tape tape = new Tape();
        int[] lengths = {4, 2, 1};
        List<Var> reversed = Bidirectional.reverseWithin(labelled(tape, 4, 3), lengths);
        double[][] expected = {{30, 11, 2}, {20, 1, 12}, {10, 21, 22}, {0, 31, 32}}; // [t][b]; padded steps keep their own row
        for (int t = 0; t < 4; t++) {
            for (int b = 0; b < 3; b++) {
                assertEquals(expected[t][b], reversed.get(t).get(b, 0), "step " + t + " row " + b);
            }
        }
        List<Var> twice = Bidirectional.reverseWithin(reversed, lengths);
        for (int t = 0; t < 4; t++) {
            assertArrayEquals(labelled(tape, 4, 3).get(t).toArray()[0], twice.get(t).toArray()[0]);
        }
    }

    @Test
    void outputsJoinBothDirectionsPerStep() {
        Tape tape = new Tape();
        RnnCell fwd = new RnnCell("f", 1, 2, RnnCell.Activation.TANH, new Random(1));
        RnnCell bwd = new RnnCell("b", 1, 3, RnnCell.Activation.TANH, new Random(2));
        Bidirectional.Result<?, ?> r = Bidirectional.run(fwd, bwd, tape, labelled(tape, 3, 2), null);
        assertEquals(5, r.outputs().get(0).cols());
        // Without lengths the backward pass's first step reads the last input, so its output joins the last step.
        assertArrayEquals(r.backward().outputs().get(0).toArray()[1], r.outputs().get(2).columns(2, 5).toArray()[1]);
        assertArrayEquals(r.forward().outputs().get(1).toArray()[0], r.outputs().get(1).columns(0, 2).toArray()[0]);
        assertThrows(IllegalArgumentException.class,
                () -> Bidirectional.run(fwd, new RnnCell("x", 2, 3, RnnCell.Activation.TANH, new Random(3)), tape, labelled(tape, 3, 2), null));
    }
}
