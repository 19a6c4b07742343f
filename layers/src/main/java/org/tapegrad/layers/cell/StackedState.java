package org.tapegrad.layers.cell;

import java.util.ArrayList;
import java.util.List;

import org.tapegrad.tape.Var;

/**
 * The state of a {@link StackedCell}: one state per layer, bottom first. Its output is the top layer's {@code h}
 * ({@code B×H_top}); its parts are the layers' parts concatenated, bottom layer first (e.g. {@code [h0, c0, h1, c1]}
 * for two LSTM layers), so unrolling, masking and detaching treat a stack like any other cell.
 */
public record StackedState(List<CellState> layers) implements CellState {

    public StackedState {
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("StackedState: needs at least one layer state");
        }
        layers = List.copyOf(layers);
    }

    /** The state of layer {@code l} (0 = bottom). */
    public CellState layer(int l) {
        return layers.get(l);
    }

    @Override
    public Var output() {
        return layers.get(layers.size() - 1).output();
    }

    @Override
    public List<Var> parts() {
        List<Var> all = new ArrayList<>();
        for (CellState s : layers) {
            all.addAll(s.parts());
        }
        return all;
    }
}
