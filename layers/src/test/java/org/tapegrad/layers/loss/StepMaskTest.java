package org.tapegrad.layers.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

class StepMaskTest {

    @Test
    void windowClampsEachLengthToTheChunk() {
        assertArrayEquals(new int[] {0, 2, 3, 1}, StepMask.window(new int[] {4, 7, 12, 6}, 5, 3));
        assertArrayEquals(new int[] {3, 3}, StepMask.window(new int[] {3, 10}, 0, 3));
    }

    @Test
    void liveRowsAndCounts() {
        StepMask m = StepMask.of(3, 3, new int[] {3, 1, 0});
        assertArrayEquals(new boolean[] {true, true, false}, m.liveRows(0));
        assertArrayEquals(new boolean[] {true, false, false}, m.liveRows(2));
        assertEquals(1, m.liveCount(1));
        assertEquals(4, m.realSteps());
        assertTrue(m.live(2, 0));
        assertFalse(m.live(0, 2));
        assertEquals(9, StepMask.of(3, 3, null).realSteps());
    }

    @Test
    void badLengthsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StepMask.of(3, 2, new int[] {1, 4}));
        assertEquals("step mask: length 4 of sequence 1 is outside 0..3", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> StepMask.of(3, 2, new int[] {1}));
    }

    @Test
    void anAllPaddingBatchGivesAConstantZero() {
        Tape tape = new Tape();
        Var logits = tape.variable(new double[][] {{1, 2}, {3, 4}});
        Var loss = SequenceCrossEntropy.loss(List.of(logits), new int[][] {{0, 1}}, new int[] {0, 0}, Reduction.MEAN_PER_STEP);
        assertEquals(0.0, loss.item());
        assertFalse(loss.requiresGrad());
    }

    @Test
    void mismatchedStepsAndShapesAreNamed() {
        Tape tape = new Tape();
        Var a = tape.variable(new double[2][3]);
        IllegalArgumentException steps = assertThrows(IllegalArgumentException.class,
                () -> SequenceSquaredError.loss(List.of(a, a), List.of(a), null, Reduction.SUM));
        assertEquals("sequence squared error: 2 steps of predictions but 1 steps of targets", steps.getMessage());
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> SequenceBinaryCrossEntropy.loss(List.of(a), List.of(tape.constant(new double[2][2])), null, Reduction.SUM));
        assertTrue(shape.getMessage().contains("[2×3]") && shape.getMessage().contains("[2×2]"), shape.getMessage());
    }
}
