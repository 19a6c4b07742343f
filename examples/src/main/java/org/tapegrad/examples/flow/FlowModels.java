package org.tapegrad.examples.flow;

import java.util.ArrayList;
import java.util.List;

import org.tapegrad.layers.cell.GruCell;
import org.tapegrad.layers.cell.GruCell.Variant;
import org.tapegrad.layers.cell.LstmCell;
import org.tapegrad.layers.cell.RnnCell;
import org.tapegrad.layers.cell.RnnCell.Activation;
import org.tapegrad.layers.init.Initializer;

/**
 * The models compared by {@code flow}: vanilla RNNs whose recurrent matrix is a random orthogonal matrix times a
 * factor (so ‖W_h‖₂ is exactly that factor), and the gated cells.
 */
public final class FlowModels {

    private FlowModels() {
    }

    /** Every model of the comparison, in legend order. */
    public static List<FlowModel> all() {
        List<FlowModel> models = new ArrayList<>();
        models.add(rnn("tanh ‖W‖=0.5", Activation.TANH, 0.5, 1.0));
        models.add(rnn("tanh ‖W‖=1.0", Activation.TANH, 1.0, 1.0));
        models.add(rnn("tanh ‖W‖=1.5", Activation.TANH, 1.5, 1.0));
        models.add(rnn("sigmoid ‖W‖=1.0", Activation.SIGMOID, 1.0, 0.25));
        models.add(rnn("relu ‖W‖=1.0", Activation.RELU, 1.0, 1.0));
        models.add(lstm("LSTM forget bias 0", 0.0));
        models.add(lstm("LSTM forget bias 1", 1.0));
        models.add(gru("GRU (Chung, reset before matmul)", Variant.RESET_BEFORE_MATMUL));
        models.add(gru("GRU (PyTorch, linear before reset)", Variant.LINEAR_BEFORE_RESET));
        return models;
    }

    /** A vanilla RNN with {@code W_h = scale · orthogonal}; γ is its activation's largest slope. */
    public static FlowModel rnn(String name, Activation activation, double scale, double gamma) {
        return new FlowModel(name, gamma, (inputSize, hiddenSize, random) -> {
            RnnCell cell = new RnnCell("rnn", inputSize, hiddenSize, activation, random);
            Initializer.orthogonal(scale).initialize(cell.wh(), random);
            return cell;
        });
    }

    /** An LSTM with PyTorch's initialization and the forget-gate block of its bias set to {@code forgetBias}. */
    public static FlowModel lstm(String name, double forgetBias) {
        return new FlowModel(name, Double.NaN, (inputSize, hiddenSize, random) -> new LstmCell("lstm", inputSize, hiddenSize, forgetBias, random));
    }

    /** A GRU of the given formulation with PyTorch's initialization. */
    public static FlowModel gru(String name, Variant variant) {
        return new FlowModel(name, Double.NaN, (inputSize, hiddenSize, random) -> new GruCell("gru", inputSize, hiddenSize, variant, random));
    }
}
