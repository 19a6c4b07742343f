package org.tapegrad.layers.train;

import java.util.ArrayList;
import java.util.List;

import org.ojalgo.matrix.store.MatrixStore;
import org.ojalgo.matrix.store.R064Store;
import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.CellState;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * A recurrent state copied off a tape, so it survives {@link Tape#reset()}: one {@code B×H} array per part of
 * {@link CellState#parts()}. Brought back with {@link #onto}, it enters the next recording as constants: the
 * values flow forward unchanged, the gradient stops there (truncated BPTT's cut between chunks).
 */
public final class CarriedState {

    private final List<R064Store> parts;

    private CarriedState(List<R064Store> parts) {
        this.parts = parts;
    }

    /** Copies the current values of every part of {@code state}; call it before the tape is reset. */
    public static CarriedState of(CellState state) {
        List<R064Store> copies = new ArrayList<>(state.parts().size());
        for (Var part : state.parts()) {
            copies.add(R064Store.FACTORY.copy(part.value()));
        }
        return new CarriedState(copies);
    }

    /**
     * The state as constants on {@code tape}, rebuilt as {@code cell}'s state type with {@link Cell#withParts}.
     *
     * @throws IllegalArgumentException if the cell's state has a different number of parts (a shape mismatch
     *         surfaces at the cell's first step)
     */
    public <S extends CellState> S onto(Tape tape, Cell<S> cell) {
        List<Var> vars = new ArrayList<>(parts.size());
        for (R064Store p : parts) {
            vars.add(tape.constant(p));
        }
        S state = cell.withParts(vars);
        List<Var> rebuilt = state.parts();
        if (rebuilt.size() != parts.size()) {
            throw new IllegalArgumentException("carried state has " + parts.size() + " parts but the cell's state has " + rebuilt.size());
        }
        return state;
    }

    /**
     * A state from saved values (e.g. read from a checkpoint), copied: every part {@code B×H} with the same B.
     *
     * @throws IllegalArgumentException if there is no part or the parts have different row counts
     */
    public static CarriedState of(List<? extends MatrixStore<Double>> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("a carried state needs at least one part");
        }
        List<R064Store> copies = new ArrayList<>(values.size());
        for (MatrixStore<Double> v : values) {
            if (v.getRowDim() != values.get(0).getRowDim()) {
                throw new IllegalArgumentException("carried state parts have " + values.get(0).getRowDim() + " and " + v.getRowDim()
                        + " rows; every part has one row per sequence");
            }
            copies.add(R064Store.FACTORY.copy(v));
        }
        return new CarriedState(copies);
    }

    /** Number of parts, e.g. 1 for an RNN or GRU, 2 for an LSTM. */
    public int size() {
        return parts.size();
    }

    /** Batch size B (rows of every part). */
    public int batch() {
        return parts.get(0).getRowDim();
    }

    /** Part k ({@code B×H}), read only. */
    public MatrixStore<Double> part(int k) {
        return parts.get(k);
    }
}
