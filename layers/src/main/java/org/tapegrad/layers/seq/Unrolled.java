package org.tapegrad.layers.seq;

import java.util.List;

import org.tapegrad.layers.cell.CellState;
import org.tapegrad.tape.Var;

/**
 * The result of running a cell over a sequence: the output {@code h_t} ({@code B×H}) of every step, the state after
 * every step, and the final state (for variable-length batches, each sequence's state after its own last step).
 */
public record Unrolled<S extends CellState>(List<Var> outputs, List<S> states, S finalState) {

    /** Number of steps T. */
    public int length() {
        return outputs.size();
    }
}
