package org.tapegrad.examples.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.tapegrad.layers.HasParameters;
import org.tapegrad.layers.Linear;
import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.CellState;
import org.tapegrad.layers.seq.Unroll;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * A recurrent cell with a linear head applied at every step: {@code logits_t = h_t·W + b} ({@code B×K}). The model of
 * sequence-to-sequence prediction (next piano-roll frame, next character).
 */
public final class StepModel implements HasParameters {

    private final Cell<?> cell;
    private final Linear head;

    public StepModel(Cell<?> cell, int outputs, Random random) {
        this.cell = cell;
        this.head = new Linear("head", cell.hiddenSize(), outputs, true, random);
    }

    public Cell<?> cell() {
        return cell;
    }

    /** Logits of every step for inputs {@code xs} (each {@code B×I}); {@code lengths} as in {@link Unroll}, or null. */
    public List<Var> logits(Tape tape, List<Var> xs, int[] lengths) {
        return logits(tape, xs, lengths, h -> h);
    }

    /** As {@link #logits(Tape, List, int[])} with {@code beforeHead} applied to every step's output first (e.g. dropout). */
    public List<Var> logits(Tape tape, List<Var> xs, int[] lengths, java.util.function.UnaryOperator<Var> beforeHead) {
        List<Var> hs = outputs(cell, tape, xs, lengths);
        List<Var> out = new ArrayList<>(hs.size());
        for (Var h : hs) {
            out.add(head.apply(beforeHead.apply(h)));
        }
        return out;
    }

    private static <S extends CellState> List<Var> outputs(Cell<S> cell, Tape tape, List<Var> xs, int[] lengths) {
        return Unroll.run(cell, tape, xs, cell.initialState(tape, xs.get(0).rows()), lengths).outputs();
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> all = new ArrayList<>(cell.parameters());
        all.addAll(head.parameters());
        return all;
    }

    /** Total number of scalar weights. */
    public long parameterCount() {
        return parameters().stream().mapToLong(p -> p.shape().size()).sum();
    }
}
