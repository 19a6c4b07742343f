package org.tapegrad.layers.net;

import java.util.Random;

import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.GruCell;
import org.tapegrad.layers.cell.LstmCell;
import org.tapegrad.layers.cell.RnnCell;

/**
 * Makes the cell of one layer and direction of a {@link RecurrentNetwork}: a built-in one or the user's own.
 * {@code inputSize} is the network's input size for layer 0 and {@code directions × hiddenSize} above it.
 */
@FunctionalInterface
public interface CellFactory {

    /** A cell named {@code name} (its parameters' prefix) of the given sizes, weights drawn from {@code random}. */
    Cell<?> create(String name, int inputSize, int hiddenSize, Random random);

    /** PyTorch's {@code nn.LSTM} cell. */
    static CellFactory lstm() {
        return LstmCell::new;
    }

    /** PyTorch's {@code nn.GRU} cell (linear before reset). */
    static CellFactory gru() {
        return (name, in, hidden, random) -> new GruCell(name, in, hidden, GruCell.Variant.LINEAR_BEFORE_RESET, random);
    }

    /** PyTorch's {@code nn.RNN} cell with {@code nonlinearity} tanh or relu (or tapegrad's sigmoid). */
    static CellFactory rnn(RnnCell.Activation activation) {
        return (name, in, hidden, random) -> new RnnCell(name, in, hidden, activation, random);
    }
}
