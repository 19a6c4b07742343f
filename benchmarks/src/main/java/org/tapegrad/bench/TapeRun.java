package org.tapegrad.bench;

import java.util.ArrayList;
import java.util.List;

import org.ojalgo.matrix.store.R064Store;
import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.CellState;
import org.tapegrad.layers.seq.Unroll;
import org.tapegrad.tape.BatchShards;
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
        zeroGrads(cell);
        Var loss = lastStateSum(tape, cell, java.util.Arrays.asList(xs));
        tape.backward(loss);
        double value = loss.item();
        tape.reset();
        return value;
    }

    /**
     * {@link #forwardBackward} with the batch cut into {@code shards}' parts, each recorded and replayed on its own
     * tape (on as many threads as {@code shards} runs): the same loss {@code Σ h_T}, the same parameter gradients up to
     * rounding.
     *
     * @return the loss
     */
    static <S extends CellState> double sharded(BatchShards shards, Cell<S> cell, R064Store[] xs) {
        zeroGrads(cell);
        List<R064Store> steps = java.util.Arrays.asList(xs);
        return shards.backward((shard, tape) -> lastStateSum(tape, cell, shard.rowsOfSteps(steps)));
    }

    private static void zeroGrads(Cell<?> cell) {
        for (Parameter p : cell.parameters()) {
            p.zeroGrad();
        }
    }

    /** The inputs put on the tape, {@code cell} unrolled over them from the zero state, {@code Σ h_T}. */
    private static <S extends CellState> Var lastStateSum(Tape tape, Cell<S> cell, List<R064Store> xs) {
        List<Var> inputs = new ArrayList<>(xs.size());
        for (R064Store x : xs) {
            inputs.add(tape.constant(x));
        }
        S last = Unroll.run(cell, tape, inputs, cell.initialState(tape, xs.get(0).getRowDim())).finalState();
        return last.output().sum();
    }
}
