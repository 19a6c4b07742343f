package org.tapegrad.layers.zoo;

import java.util.List;

import org.tapegrad.layers.cell.CellState;
import org.tapegrad.tape.Var;

/**
 * The state of a {@link PeepholeLstm}: {@code h}, {@code c} ({@code B×H}) and, for the full-gate-recurrence variant
 * only, the previous step's gates {@code [i | f | o]} ({@code B×3H}). Parts {@code [h, c]} or {@code [h, c, gates]}.
 */
public record PeepholeState(Var h, Var c, Var gates) implements CellState {

    @Override
    public Var output() {
        return h;
    }

    @Override
    public List<Var> parts() {
        return gates == null ? List.of(h, c) : List.of(h, c, gates);
    }
}
