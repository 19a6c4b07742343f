package org.tapegrad.layers.reg;

import java.util.ArrayList;
import java.util.List;

import org.tapegrad.layers.cell.CellState;
import org.tapegrad.tape.Var;

/**
 * A cell's state carrying the per-sequence masks of {@link VariationalDropout}: the same masks at every step of a
 * sequence, so they travel with the state (and are carried, detached and re-padded like it). In evaluation there are
 * no masks.
 *
 * @param inner      the wrapped cell's state
 * @param inputMask  {@code B×I} mask of 0 and {@code 1/(1−p)}, or null in evaluation
 * @param outputMask {@code B×H} mask for the recurrent {@code h}, or null in evaluation
 */
public record MaskedState<S extends CellState>(S inner, Var inputMask, Var outputMask) implements CellState {

    @Override
    public Var output() {
        return inner.output();
    }

    /** The inner state's parts, then the two masks when training. */
    @Override
    public List<Var> parts() {
        if (inputMask == null) {
            return inner.parts();
        }
        List<Var> all = new ArrayList<>(inner.parts());
        all.add(inputMask);
        all.add(outputMask);
        return all;
    }
}
