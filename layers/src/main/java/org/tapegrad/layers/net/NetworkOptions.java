package org.tapegrad.layers.net;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import org.tapegrad.layers.cell.CellState;
import org.tapegrad.layers.reg.Mode;
import org.tapegrad.tape.Var;

/**
 * What one run of a {@link RecurrentNetwork} needs besides its input: per-sequence lengths (PyTorch's packed
 * sequences), initial states, and training or evaluation mode (for dropout between layers). Immutable; the
 * {@code with…} methods return a copy.
 *
 * @param lengths       {@code lengths[b]} in 1..T, or null for all T
 * @param initialStates one state per layer and direction, index {@code l·D + d} (d = 1 reverse), or null for zeros
 * @param initialParts  instead of states, each state part packed as PyTorch's {@code h_0}/{@code c_0}
 *                      {@code [L·D, B, H]} flattened to {@code (L·D·B)×H}, or null
 * @param mode          {@link Mode#eval()} unless training
 */
public record NetworkOptions(int[] lengths, List<CellState> initialStates, List<Var> initialParts, Mode mode) {

    public NetworkOptions {
        lengths = lengths == null ? null : lengths.clone();
        initialStates = initialStates == null ? null : List.copyOf(initialStates);
        initialParts = initialParts == null ? null : List.copyOf(initialParts);
        Objects.requireNonNull(mode, "mode");
        if (initialStates != null && initialParts != null) {
            throw new IllegalArgumentException("network options: give initial states or initial parts, not both");
        }
    }

    /** All steps, zero initial states, evaluation mode. */
    public static NetworkOptions defaults() {
        return new NetworkOptions(null, null, null, Mode.eval());
    }

    public NetworkOptions withLengths(int... newLengths) {
        return new NetworkOptions(newLengths, initialStates, initialParts, mode);
    }

    public NetworkOptions withInitialStates(List<? extends CellState> states) {
        return new NetworkOptions(lengths, List.copyOf(states), null, mode);
    }

    /** Initial states as PyTorch passes them: {@code h_0}, or {@code (h_0, c_0)} for an LSTM, each {@code (L·D·B)×H}. */
    public NetworkOptions withInitial(Var... packedParts) {
        return new NetworkOptions(lengths, null, Arrays.asList(packedParts), mode);
    }

    public NetworkOptions withMode(Mode newMode) {
        return new NetworkOptions(lengths, initialStates, initialParts, newMode);
    }

    @Override
    public int[] lengths() {
        return lengths == null ? null : lengths.clone();
    }
}
