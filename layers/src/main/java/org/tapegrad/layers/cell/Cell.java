package org.tapegrad.layers.cell;

import java.util.List;

import org.tapegrad.layers.HasParameters;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * One time step of a recurrent network, written with engine ops only, so backpropagation through time is the tape's
 * replay of the unrolled steps and needs no code here. A cell is a small immutable value holding its parameters;
 * looping over time is {@link org.tapegrad.layers.seq.Unroll}'s job.
 *
 * @param <S> the state carried between steps
 */
public interface Cell<S extends CellState> extends HasParameters {

    /** Input features per step, I. */
    int inputSize();

    /** Hidden units, H. */
    int hiddenSize();

    /** The all-zero initial state for a batch of {@code batch} sequences, as constants on {@code tape}. */
    S initialState(Tape tape, int batch);

    /**
     * One step: input {@code x} ({@code B×I}) and the previous state in, the new state out.
     *
     * @throws org.tapegrad.op.ShapeException if {@code x} is not {@code B×I} for the state's batch B
     */
    S step(Tape tape, Var x, S state);

    /** A state of this cell's type rebuilt from parts in {@link CellState#parts()} order. */
    S withParts(List<Var> parts);
}
