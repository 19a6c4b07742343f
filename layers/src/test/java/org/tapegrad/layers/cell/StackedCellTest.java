package org.tapegrad.layers.cell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

class StackedCellTest {

    final LstmCell bottom = new LstmCell("l0", 3, 4, new Random(1));
    final GruCell top = new GruCell("l1", 4, 2, GruCell.Variant.LINEAR_BEFORE_RESET, new Random(2));
    final StackedCell stack = StackedCell.of(bottom, top);

    @Test
    void stateIsTheLayersPartsInOrderAndRebuildsFromThem() {
        Tape tape = new Tape();
        StackedState s = stack.step(tape, tape.filled(2, 3, 0.5), stack.initialState(tape, 2));
        List<Var> parts = s.parts();
        assertEquals(3, parts.size());
        LstmState l0 = (LstmState) s.layer(0);
        assertSame(l0.h(), parts.get(0));
        assertSame(l0.c(), parts.get(1));
        assertSame(s.layer(1).output(), parts.get(2));
        assertSame(parts.get(2), s.output());
        assertEquals(parts, stack.withParts(parts).parts());
        assertEquals(2, s.output().cols());
        assertThrows(IllegalArgumentException.class, () -> stack.withParts(parts.subList(0, 2)));
    }

    @Test
    void oneStackStepIsTheLayersStepsInTurn() {
        Tape tape = new Tape();
        Var x = tape.constant(new double[][] {{0.1, -0.2, 0.3}, {1, 0, -1}});
        LstmState a = bottom.step(tape, x, bottom.initialState(tape, 2));
        HiddenState b = top.step(tape, a.h(), top.initialState(tape, 2));
        StackedState s = stack.step(tape, x, stack.initialState(tape, 2));
        assertEquals(java.util.Arrays.deepToString(b.h().toArray()), java.util.Arrays.deepToString(s.output().toArray()));
        assertEquals(stack.parameters().size(), bottom.parameters().size() + top.parameters().size());
    }

    @Test
    void layersMustChain() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StackedCell.of(bottom, new RnnCell("r", 5, 2, RnnCell.Activation.TANH, new Random(3))));
        assertTrue(e.getMessage().contains("layer 1 takes input size 5 but layer 0 emits hidden size 4"), e.getMessage());
    }
}
