package org.tapegrad.layers.net;

import java.util.ArrayList;
import java.util.List;

import org.tapegrad.layers.cell.CellState;
import org.tapegrad.tape.Ops;
import org.tapegrad.tape.Var;

/**
 * What a {@link RecurrentNetwork} run returns, shaped as PyTorch's {@code output, h_n} (and {@code c_n}).
 *
 * @param steps       the top layer's output per step, {@code B×(D·H)}, forward half first; zero at padded steps
 * @param finalStates each layer's and direction's final state (for sequences of length L, after step L − 1; for
 *                    the reverse direction, after reading step 0), index {@code l·D + d}
 * @param layout      how {@link #output()} packs the steps
 */
public record NetworkOutput(List<Var> steps, List<CellState> finalStates, SequenceLayout layout) {

    public NetworkOutput {
        steps = List.copyOf(steps);
        finalStates = List.copyOf(finalStates);
    }

    /** PyTorch's {@code output}: {@code [T, B, D·H]} or {@code [B, T, D·H]} (by layout) flattened to rows. */
    public Var output() {
        return layout.pack(steps);
    }

    /** PyTorch's {@code h_n} {@code [L·D, B, H]} flattened to {@code (L·D·B)×H}. */
    public Var finalHidden() {
        return finalPart(0);
    }

    /**
     * Part {@code k} of every final state stacked like {@code h_n}: k = 0 is {@code h_n}, and for an LSTM k = 1 is
     * {@code c_n}.
     */
    public Var finalPart(int k) {
        List<Var> parts = new ArrayList<>(finalStates.size());
        for (CellState s : finalStates) {
            if (k < 0 || k >= s.parts().size()) {
                throw new IllegalArgumentException("network output: state part " + k + " does not exist; the states have " + s.parts().size());
            }
            parts.add(s.parts().get(k));
        }
        return parts.size() == 1 ? parts.get(0) : Ops.concatRows(parts.toArray(Var[]::new));
    }
}
