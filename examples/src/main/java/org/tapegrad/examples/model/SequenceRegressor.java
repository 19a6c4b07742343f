package org.tapegrad.examples.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.tapegrad.layers.HasParameters;
import org.tapegrad.layers.Linear;
import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.CellState;
import org.tapegrad.layers.seq.Unroll;
import org.tapegrad.layers.seq.Unrolled;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * A recurrent cell followed by a linear read-out of the last hidden state: {@code ŷ = h_T·W + b}, {@code B×K}.
 * The model of sequence-to-one tasks such as the adding problem.
 */
public final class SequenceRegressor implements HasParameters {

    private final Cell<?> cell;
    private final Linear readout;

    public SequenceRegressor(Cell<?> cell, int outputs, Random random) {
        this.cell = cell;
        this.readout = new Linear("readout", cell.hiddenSize(), outputs, true, random);
    }

    public Cell<?> cell() {
        return cell;
    }

    /** The prediction after the last step of {@code inputs} ({@code T} steps of {@code B×I} row-major arrays). */
    public Var predict(Tape tape, List<double[][]> inputs) {
        return readout.apply(lastOutput(cell, tape, inputs));
    }

    /**
     * The prediction, with every step's output added to {@code stepOutputs} (the hidden states that structural damping
     * keeps close, in Hessian-free training).
     */
    public Var predict(Tape tape, List<double[][]> inputs, List<Var> stepOutputs) {
        Unrolled<?> unrolled = unroll(cell, tape, inputs);
        stepOutputs.addAll(unrolled.outputs());
        return readout.apply(unrolled.finalState().output());
    }

    private static <S extends CellState> Var lastOutput(Cell<S> cell, Tape tape, List<double[][]> inputs) {
        return unroll(cell, tape, inputs).finalState().output();
    }

    private static <S extends CellState> Unrolled<S> unroll(Cell<S> cell, Tape tape, List<double[][]> inputs) {
        List<Var> xs = new ArrayList<>(inputs.size());
        for (double[][] x : inputs) {
            xs.add(tape.constant(x));
        }
        return Unroll.run(cell, tape, xs, cell.initialState(tape, inputs.get(0).length));
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> all = new ArrayList<>(cell.parameters());
        all.addAll(readout.parameters());
        return all;
    }
}
