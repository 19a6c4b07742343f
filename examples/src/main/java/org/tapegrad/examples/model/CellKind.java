package org.tapegrad.examples.model;

import java.util.Random;

import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.GruCell;
import org.tapegrad.layers.cell.LstmCell;
import org.tapegrad.layers.cell.RnnCell;
import org.tapegrad.layers.zoo.IndRnn;
import org.tapegrad.layers.zoo.LayerNormLstm;
import org.tapegrad.layers.zoo.MinimalGatedUnit;
import org.tapegrad.layers.zoo.MogrifierLstm;
import org.tapegrad.layers.zoo.PeepholeLstm;
import org.tapegrad.layers.zoo.Sru;

/**
 * The recurrent cells the training examples offer on the command line ({@code --cell rnn|lstm|gru}, and the zoo:
 * {@code peephole_v … peephole_fgr} for Greff et al.'s variants, {@code mgu}, {@code indrnn}, {@code sru},
 * {@code mogrifier}, {@code layernorm_lstm}), all initialized uniform in ±1/√H.
 */
public enum CellKind {

    /** Vanilla RNN with tanh. */
    RNN("tanh RNN"),
    /** LSTM, forget-gate bias 1 (the usual start on the "gradient highway"). */
    LSTM("LSTM"),
    /** GRU in PyTorch's formulation ("linear before reset"). */
    GRU("GRU"),
    PEEPHOLE_V("peephole LSTM (V)"),
    PEEPHOLE_NIG("LSTM NIG"),
    PEEPHOLE_NFG("LSTM NFG"),
    PEEPHOLE_NOG("LSTM NOG"),
    PEEPHOLE_NIAF("LSTM NIAF"),
    PEEPHOLE_NOAF("LSTM NOAF"),
    PEEPHOLE_NP("LSTM NP"),
    PEEPHOLE_CIFG("LSTM CIFG"),
    PEEPHOLE_FGR("LSTM FGR"),
    MGU("MGU"),
    INDRNN("IndRNN"),
    SRU("SRU"),
    MOGRIFIER("Mogrifier LSTM (4 rounds)"),
    LAYERNORM_LSTM("layer-norm LSTM");

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
            case PEEPHOLE_V, PEEPHOLE_NIG, PEEPHOLE_NFG, PEEPHOLE_NOG, PEEPHOLE_NIAF, PEEPHOLE_NOAF, PEEPHOLE_NP, PEEPHOLE_CIFG, PEEPHOLE_FGR ->
                    new PeepholeLstm(name, inputSize, hiddenSize, PeepholeLstm.Variant.valueOf(name().substring("PEEPHOLE_".length())), random);
            case MGU -> new MinimalGatedUnit(name, inputSize, hiddenSize, random);
            case INDRNN -> new IndRnn(name, inputSize, hiddenSize, random);
            case SRU -> new Sru(name, inputSize, hiddenSize, random);
            case MOGRIFIER -> new MogrifierLstm(name, inputSize, hiddenSize, 4, random);
            case LAYERNORM_LSTM -> new LayerNormLstm(name, inputSize, hiddenSize, random);
        };
    }

    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
