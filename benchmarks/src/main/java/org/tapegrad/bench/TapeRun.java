package org.tapegrad.bench;

import java.util.ArrayList;
import java.util.List;

import org.ojalgo.matrix.store.R064Store;
import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.CellState;
import org.tapegrad.layers.seq.Unroll;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/** One training step's worth of tape work, as a user writes it: the benchmarked unit of the recurrent benchmarks. */
final class TapeRun {

    private TapeRun() {
    }

    /**
     * Zeroes the gradients, puts the inputs on the tape, unrolls {@code cell} over them from the zero state, takes
     * {@code L = Σ h_T}, backpropagates and resets the tape.
     *
     * @return the loss
     */
    static <S extends CellState> double forwardBackward(Tape tape, Cell<S> cell, R064Store[] xs) {
        for (Parameter p : cell.parameters()) {
            p.zeroGrad();
        }
        List<Var> inputs = new ArrayList<>(xs.length);
        for (R064Store x : xs) {
            inputs.add(tape.constant(x));
        }
        S last = Unroll.run(cell, tape, inputs, cell.initialState(tape, xs[0].getRowDim())).finalState();
        Var loss = last.output().sum();
        tape.backward(loss);
        double value = loss.item();
        tape.reset();
        return value;
    }
}
