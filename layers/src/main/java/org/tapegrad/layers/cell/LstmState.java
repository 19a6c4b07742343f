package org.tapegrad.layers.cell;

import java.util.List;

import org.tapegrad.tape.Var;

/** LSTM state: hidden {@code h} and cell {@code c}, both {@code B×H}; parts are ordered {@code [h, c]}. */
public record LstmState(Var h, Var c) implements CellState {

    @Override
    public Var output() {
        return h;
    }

    @Override
    public List<Var> parts() {
        return List.of(h, c);
    }
}
