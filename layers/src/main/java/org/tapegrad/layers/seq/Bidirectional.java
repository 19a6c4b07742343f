package org.tapegrad.layers.seq;

import static org.tapegrad.tape.Ops.concatColumns;
import static org.tapegrad.tape.Ops.selectRows;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.CellState;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * Runs a forward cell over a sequence and a backward cell over the same sequence reversed, and joins their outputs
 * per step as {@code [h_fwd | h_bwd]} ({@code B×(H_f+H_b)}), as PyTorch's {@code bidirectional=True} does. Without
 * lengths, {@code run(fwd, bwd, tape, xs, f0, b0, null)} is exactly:
 *
 * <pre>{@code
 * Unrolled<F> f = Unroll.run(fwd, tape, xs, f0);
 * Unrolled<B> b = Unroll.run(bwd, tape, reversed(xs), b0);      // b.outputs().get(k) belongs to step T−1−k
 * for (int t = 0; t < T; t++) {
 *     outputs.add(concatColumns(f.outputs().get(t), b.outputs().get(T - 1 - t)));
 * }
 * }</pre>
 *
 * With per-sequence {@code lengths}, sequence b (length L) is reversed within its own real steps: the backward
 * cell reads its steps {@code L−1, L−2, …, 0} and so starts at its own last real step, not at the padded end of the
 * batch. Rows are moved between steps with exact row selects, so padding changes neither outputs nor gradients of
 * real steps. At a padded step t ≥ L both halves of row b hold the direction's final state; mask them out of the
 * loss.
 */
public final class Bidirectional {

    private Bidirectional() {
    }

    /**
     * The forward pass, the backward pass in its own (reversed) step order, and the joined outputs in the input's
     * step order. {@code backward.finalState()} is each sequence's backward state after reading its step 0.
     */
    public record Result<F extends CellState, B extends CellState>(List<Var> outputs, Unrolled<F> forward, Unrolled<B> backward) {
    }

    /**
     * @param inputs the steps, each {@code B×I}
     * @param lengths {@code lengths[b]} in 1..T is the real length of sequence b, or {@code null} for all T
     * @throws IllegalArgumentException if the two cells' input sizes differ from each other
     */
    public static <F extends CellState, B extends CellState> Result<F, B> run(Cell<F> forwardCell, Cell<B> backwardCell, Tape tape,
            List<Var> inputs, F forwardInitial, B backwardInitial, int[] lengths) {
        if (forwardCell.inputSize() != backwardCell.inputSize()) {
            throw new IllegalArgumentException("bidirectional: forward cell takes input size " + forwardCell.inputSize()
                    + ", backward cell " + backwardCell.inputSize());
        }
        Unrolled<F> forward = Unroll.run(forwardCell, tape, inputs, forwardInitial, lengths);
        Unrolled<B> backward = Unroll.run(backwardCell, tape, reverseWithin(inputs, lengths), backwardInitial, lengths);
        List<Var> backwardAligned = reverseWithin(backward.outputs(), lengths);
        List<Var> outputs = new ArrayList<>(inputs.size());
        for (int t = 0; t < inputs.size(); t++) {
            outputs.add(concatColumns(forward.outputs().get(t), backwardAligned.get(t)));
        }
        return new Result<>(outputs, forward, backward);
    }

    /** As {@link #run(Cell, Cell, Tape, List, CellState, CellState, int[])} from zero states. */
    public static <F extends CellState, B extends CellState> Result<F, B> run(Cell<F> forwardCell, Cell<B> backwardCell, Tape tape,
            List<Var> inputs, int[] lengths) {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("bidirectional: the sequence has no steps");
        }
        int batch = inputs.get(0).rows();
        return run(forwardCell, backwardCell, tape, inputs, forwardCell.initialState(tape, batch), backwardCell.initialState(tape, batch), lengths);
    }

    /**
     * Each sequence reversed within its real steps: row b of step t is row b of step {@code L_b−1−t} for
     * {@code t < L_b}, and row b of step t itself at padded steps. Applying it twice gives back {@code steps}.
     */
    static List<Var> reverseWithin(List<Var> steps, int[] lengths) {
        int steps0 = steps.size();
        List<Var> out = new ArrayList<>(steps0);
        if (lengths == null) {
            out.addAll(steps);
            Collections.reverse(out);
            return out;
        }
        if (steps0 == 0 || lengths.length != steps.get(0).rows()) {
            throw new IllegalArgumentException("bidirectional: " + (lengths.length) + " lengths for a batch of " + (steps0 == 0 ? 0 : steps.get(0).rows()));
        }
        int batch = lengths.length;
        for (int t = 0; t < steps0; t++) {
            Var acc = steps.get(t);
            // Each distinct source step contributes its rows through one exact row select.
            for (int source = 0; source < steps0; source++) {
                if (source == t) {
                    continue;
                }
                boolean[] mask = new boolean[batch];
                boolean any = false;
                for (int b = 0; b < batch; b++) {
                    mask[b] = t < lengths[b] && lengths[b] - 1 - t == source;
                    any |= mask[b];
                }
                if (any) {
                    acc = selectRows(mask, steps.get(source), acc);
                }
            }
            out.add(acc);
        }
        return out;
    }
}
