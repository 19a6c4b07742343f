package org.tapegrad.layers.reg;

import static org.tapegrad.tape.Ops.productSum;

import java.util.ArrayList;
import java.util.List;

import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.CellState;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * Zoneout (Krueger et al. 2017) around any cell: each unit of each state part keeps its previous value with
 * probability p instead of taking the new one, {@code s_t = m ⊙ s_{t−1} + (1 − m) ⊙ cell(x, s_{t−1})} with a fresh
 * Bernoulli(p) mask m per step; in evaluation its expectation {@code p·s_{t−1} + (1 − p)·s̃_t}. Rates may differ per
 * state part (Krueger et al. use 0.5 on an LSTM's c and 0.05 on h).
 */
public final class Zoneout<S extends CellState> implements Cell<S> {

    private final Cell<S> cell;
    private final double[] rates;
    private final Mode mode;

    /** {@code rates}: one for every state part, or one per part in {@link CellState#parts()} order. */
    public Zoneout(Cell<S> cell, Mode mode, double... rates) {
        if (rates.length == 0) {
            throw new IllegalArgumentException("zoneout: needs at least one rate");
        }
        for (double p : rates) {
            Mode.checkRate("zoneout", p);
        }
        this.cell = cell;
        this.rates = rates.clone();
        this.mode = mode;
    }

    @Override
    public int inputSize() {
        return cell.inputSize();
    }

    @Override
    public int hiddenSize() {
        return cell.hiddenSize();
    }

    @Override
    public List<Parameter> parameters() {
        return cell.parameters();
    }

    @Override
    public S initialState(Tape tape, int batch) {
        return cell.initialState(tape, batch);
    }

    @Override
    public S step(Tape tape, Var x, S state) {
        S next = cell.step(tape, x, state);
        List<Var> before = state.parts();
        List<Var> after = next.parts();
        if (rates.length != 1 && rates.length != after.size()) {
            throw new IllegalArgumentException("zoneout: " + rates.length + " rates for a state of " + after.size() + " parts");
        }
        List<Var> mixed = new ArrayList<>(after.size());
        for (int k = 0; k < after.size(); k++) {
            double p = rates.length == 1 ? rates[0] : rates[k];
            Var prev = before.get(k);
            Var keep = mode.isTraining() ? tape.constant(mode.bernoulli(prev.rows(), prev.cols(), p)) : tape.filled(prev.rows(), prev.cols(), p);
            mixed.add(productSum(keep, prev, keep.oneMinus(), after.get(k)));   // m⊙s + (1−m)⊙s̃
        }
        return cell.withParts(mixed);
    }

    @Override
    public S withParts(List<Var> parts) {
        return cell.withParts(parts);
    }
}
