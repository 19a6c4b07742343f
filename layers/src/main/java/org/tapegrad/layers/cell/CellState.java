package org.tapegrad.layers.cell;

import java.util.List;

import org.tapegrad.tape.Var;

/**
 * The recurrent state a {@link Cell} carries from one step to the next: one or more {@code B×H} values on a tape.
 * Unrolling, masking of padded steps and truncated BPTT treat a state only through {@link #parts()} and
 * {@link Cell#withParts}, so a custom cell may carry any number of parts.
 */
public interface CellState {

    /** What the cell emits at this step, {@code h_t} ({@code B×H}). */
    Var output();

    /** Every part of the state in a fixed order, e.g. {@code [h]} or {@code [h, c]}. */
    List<Var> parts();
}
