package org.tapegrad.layers.cell;

import java.util.List;

import org.tapegrad.tape.Var;

/** A state that is just the hidden vector: vanilla RNN and GRU. {@code h} is {@code B×H}. */
public record HiddenState(Var h) implements CellState {

    @Override
    public Var output() {
        return h;
    }

    @Override
    public List<Var> parts() {
        return List.of(h);
    }
}
