package org.tapegrad.examples.model;

import java.util.Random;

import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.GruCell;
import org.tapegrad.layers.cell.LstmCell;
import org.tapegrad.layers.cell.RnnCell;

/**
 * The recurrent cells the training examples offer on the command line ({@code --cell rnn|lstm|gru}), all with
 * PyTorch's default initialization U(±1/√H).
 */
public enum CellKind {

    /** Vanilla RNN with tanh. */
    RNN("tanh RNN"),
    /** LSTM, forget-gate bias 1 (the usual start on the "gradient highway"). */
    LSTM("LSTM"),
    /** GRU in PyTorch's formulation ("linear before reset"). */
    GRU("GRU");

    private final String label;

    CellKind(String label) {
        this.label = label;
    }

    /** Human-readable name for tables and legends. */
    public String label() {
        return label;
    }

    /** A new cell named {@code name} with input size I and hidden size H. */
    public Cell<?> build(String name, int inputSize, int hiddenSize, Random random) {
        return switch (this) {
            case RNN -> new RnnCell(name, inputSize, hiddenSize, RnnCell.Activation.TANH, random);
            case LSTM -> new LstmCell(name, inputSize, hiddenSize, 1.0, random);
            case GRU -> new GruCell(name, inputSize, hiddenSize, GruCell.Variant.LINEAR_BEFORE_RESET, random);
        };
    }

    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
