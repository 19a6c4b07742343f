package org.tapegrad.layers.train;

import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * The input of a long sequence at any step, recorded on demand: truncated BPTT resets its tape after every chunk, so
 * inputs cannot be recorded once up front. An implementation may record ops with parameters (an embedding lookup);
 * steps outside the backward window are recorded under {@link Tape#noGrad()} and give those parameters no gradient.
 */
@FunctionalInterface
public interface StepInputs {

    /** The input {@code x_t} ({@code B×I}) for global step {@code t}, recorded on {@code tape}. */
    Var at(Tape tape, int t);
}
