package org.tapegrad.fuse;

import java.util.List;

import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * One time step written with tape ops: input {@code x} and the state parts in, the new state parts out (same count and
 * shapes). {@link FusedStep} traces it once and must see the same ops whatever the values: a step may branch on
 * shapes, not on the contents of its values.
 */
@FunctionalInterface
public interface StepFunction {

    /** Records one step on {@code tape}. */
    List<Var> step(Tape tape, Var x, List<Var> state);
}
