package org.tapegrad.layers.train;

import org.tapegrad.layers.cell.CellState;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * The loss term of one step of a checkpointed run, recorded on the segment's tape each time the step is recorded
 * (once): the run's loss is the sum of the terms of every step, {@code L = Σ_t ℓ_t(s_t)}. It must depend on the
 * step's own values only (a read-out and a loss against the step's target), so that it can be computed with the
 * segment; return null for a step without loss.
 */
@FunctionalInterface
public interface StepLoss<S extends CellState> {

    /**
     * @param tape  the tape the step is recorded on
     * @param t     the global step index
     * @param state the state after step t ({@code state.output()} is {@code h_t})
     * @return a {@code 1×1} value on {@code tape}, or null
     */
    Var loss(Tape tape, int t, S state);
}
