package org.tapegrad.layers.cell;

import static org.tapegrad.tape.Ops.affine;

import java.util.List;
import java.util.Random;

import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * Vanilla RNN, docs/theory.md §1: {@code h_t = f(x_t·W_x + h_{t−1}·W_h + b)} with f = tanh, sigmoid or relu.
 *
 * <p>Parameters: {@code <name>.wx} ({@code I×H}), {@code <name>.wh} ({@code H×H}), {@code <name>.b} ({@code 1×H}).
 * PyTorch's {@code nn.RNN} keeps {@code weight_ih} ({@code H×I}) = {@code wxᵀ}, {@code weight_hh} = {@code whᵀ} and
 * two biases whose sum is {@code b}.
 */
public final class RnnCell implements Cell<HiddenState>, TorchParameters {

    /** The non-linearity f. */
    public enum Activation { TANH, SIGMOID, RELU }

    private final int inputSize;
    private final int hiddenSize;
    private final Activation activation;
    private final Parameter wx;
    private final Parameter wh;
    private final Parameter b;

    /**
     * A cell initialized as PyTorch does: every weight and bias uniform in {@code [−1/√H, 1/√H]}, drawn from
     * {@code random} in the order wx, wh, b (row-major within each, as {@link org.tapegrad.layers.init.Initializer} draws).
     */
    public RnnCell(String name, int inputSize, int hiddenSize, Activation activation, Random random) {
        CellParameters.checkSizes(name, inputSize, hiddenSize);
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        this.activation = java.util.Objects.requireNonNull(activation, "activation");
        double bound = 1.0 / Math.sqrt(hiddenSize);
        this.wx = CellParameters.uniform(name + ".wx", inputSize, hiddenSize, bound, random);
        this.wh = CellParameters.uniform(name + ".wh", hiddenSize, hiddenSize, bound, random);
        this.b = CellParameters.uniform(name + ".b", 1, hiddenSize, bound, random);
    }

    @Override
    public int inputSize() {
        return inputSize;
    }

    @Override
    public int hiddenSize() {
        return hiddenSize;
    }

    public Activation activation() {
        return activation;
    }

    /** Input weights {@code I×H}. */
    public Parameter wx() {
        return wx;
    }

    /** Recurrent weights {@code H×H}. */
    public Parameter wh() {
        return wh;
    }

    /** Bias {@code 1×H}. */
    public Parameter b() {
        return b;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(wx, wh, b);
    }

    /**
     * PyTorch's {@code weight_ih} = {@code wxᵀ}, {@code weight_hh} = {@code whᵀ}, and {@code bias_ih + bias_hh} = {@code b}.
     */
    @Override
    public List<TorchBlock> torchBlocks() {
        if (activation == Activation.SIGMOID) {
            throw new IllegalArgumentException("an RnnCell with sigmoid activation has no PyTorch equivalent (nn.RNN offers tanh and relu)");
        }
        return List.of(new TorchBlock.Transposed("weight_ih", wx), new TorchBlock.Transposed("weight_hh", wh),
                new TorchBlock.Summed("bias_ih", "bias_hh", b));
    }

    @Override
    public HiddenState initialState(Tape tape, int batch) {
        return new HiddenState(tape.filled(batch, hiddenSize, 0.0));
    }

    @Override
    public HiddenState step(Tape tape, Var x, HiddenState state) {
        CellParameters.checkStepInput("RnnCell", x, inputSize, state.h());
        Var z = affine(tape.param(b), x, tape.param(wx), state.h(), tape.param(wh));   // x·wx + h·wh + b
        Var h = switch (activation) {
            case TANH -> z.tanh();
            case SIGMOID -> z.sigmoid();
            case RELU -> z.relu();
        };
        return new HiddenState(h);
    }

    @Override
    public HiddenState withParts(List<Var> parts) {
        return new HiddenState(parts.get(0));
    }
}
