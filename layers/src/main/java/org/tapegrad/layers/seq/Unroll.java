package org.tapegrad.layers.seq;

import static org.tapegrad.tape.Ops.selectRows;

import java.util.ArrayList;
import java.util.List;

import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.CellState;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * Runs a cell over a sequence. {@code run(cell, tape, xs, s0)} is exactly this loop:
 *
 * <pre>{@code
 * S s = s0;
 * for (Var x : xs) {            // xs.get(t) is B×I
 *     s = cell.step(tape, x, s);
 *     outputs.add(s.output());  // h_t, B×H
 *     states.add(s);
 * }
 * return new Unrolled<>(outputs, states, s);
 * }</pre>
 *
 * With per-sequence {@code lengths}, a sequence b whose length is L takes part in steps {@code 0..L-1} only: from
 * step L on its rows of every state part are carried unchanged (a row select, exact whatever the padded inputs
 * hold), so padding changes neither the outputs nor the gradients of the real steps, and the final state of row b is
 * its state after step L-1. Outputs of padded steps repeat the carried {@code h}; mask them out of the loss.
 */
public final class Unroll {

    private Unroll() {
    }

    /** Runs {@code cell} over every step of {@code inputs} from {@code initial}. */
    public static <S extends CellState> Unrolled<S> run(Cell<S> cell, Tape tape, List<Var> inputs, S initial) {
        return run(cell, tape, inputs, initial, null);
    }

    /**
     * Runs {@code cell} over a padded batch from its all-zero {@link Cell#initialState initial state} (the batch size
     * is the first input's row count); {@code lengths} as in {@link #run(Cell, Tape, List, CellState, int[])}.
     */
    public static <S extends CellState> Unrolled<S> fromZero(Cell<S> cell, Tape tape, List<Var> inputs, int[] lengths) {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("unroll: the sequence has no steps");
        }
        return run(cell, tape, inputs, cell.initialState(tape, inputs.get(0).rows()), lengths);
    }

    /**
     * Runs {@code cell} over a padded batch; {@code lengths[b]} (1..T) is the real length of sequence b, or
     * {@code lengths == null} for all T.
     */
    public static <S extends CellState> Unrolled<S> run(Cell<S> cell, Tape tape, List<Var> inputs, S initial, int[] lengths) {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("unroll: the sequence has no steps");
        }
        int batch = initial.output().rows();
        if (lengths != null) {
            checkLengths(lengths, batch, inputs.size());
        }
        List<Var> outputs = new ArrayList<>(inputs.size());
        List<S> states = new ArrayList<>(inputs.size());
        S s = initial;
        for (int t = 0; t < inputs.size(); t++) {
            s = step(cell, tape, inputs.get(t), s, t, lengths);
            outputs.add(s.output());
            states.add(s);
        }
        return new Unrolled<>(outputs, states, s);
    }

    /**
     * Step {@code t} of {@link #run(Cell, Tape, List, CellState, int[])} alone, the same ops: the cell's step, then
     * the rows of sequences already finished ({@code t ≥ lengths[b]}) carried from {@code state}. How a runner that
     * records a sequence in pieces (checkpointed BPTT) reproduces an unbroken unroll bit for bit.
     *
     * @param lengths real lengths (not checked here), or null for none
     */
    public static <S extends CellState> S step(Cell<S> cell, Tape tape, Var x, S state, int t, int[] lengths) {
        S next = cell.step(tape, x, state);
        if (lengths != null) {
            boolean[] live = new boolean[lengths.length];
            boolean all = true;
            for (int b = 0; b < lengths.length; b++) {
                live[b] = t < lengths[b];
                all &= live[b];
            }
            if (!all) {
                next = carryFinished(cell, live, next, state);
            }
        }
        return next;
    }

    private static <S extends CellState> S carryFinished(Cell<S> cell, boolean[] live, S next, S previous) {
        List<Var> nextParts = next.parts();
        List<Var> prevParts = previous.parts();
        List<Var> merged = new ArrayList<>(nextParts.size());
        for (int k = 0; k < nextParts.size(); k++) {
            merged.add(selectRows(live, nextParts.get(k), prevParts.get(k)));
        }
        return cell.withParts(merged);
    }

    /**
     * Checks per-sequence lengths against a batch and a sequence length.
     *
     * @throws IllegalArgumentException naming the first bad length
     */
    public static void checkLengths(int[] lengths, int batch, int steps) {
        if (lengths.length != batch) {
            throw new IllegalArgumentException("unroll: " + lengths.length + " lengths for a batch of " + batch);
        }
        for (int b = 0; b < batch; b++) {
            if (lengths[b] < 1 || lengths[b] > steps) {
                throw new IllegalArgumentException("unroll: length " + lengths[b] + " of sequence " + b + " is outside 1.." + steps);
            }
        }
    }
}
