package org.tapegrad.layers.cell;

import static org.tapegrad.tape.Ops.affine;
import static org.tapegrad.tape.Ops.productSum;

import java.util.List;
import java.util.Random;

import org.tapegrad.tape.Layout;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * LSTM, docs/theory.md §2, with the four gates fused: {@code z = x·wx + h·wh + b} is {@code B×4H}, and its column blocks
 * {@code [kH, (k+1)H)} are, in PyTorch's order, k = 0 input gate i, 1 forget gate f, 2 candidate g, 3 output gate o:
 *
 * <pre>
 * i = σ(z[:, 0:H])   f = σ(z[:, H:2H])   g = tanh(z[:, 2H:3H])   o = σ(z[:, 3H:4H])
 * c_t = f ⊙ c_{t−1} + i ⊙ g
 * h_t = o ⊙ tanh(c_t)
 * </pre>
 *
 * <p>Parameters: {@code <name>.wx} ({@code I×4H}), {@code <name>.wh} ({@code H×4H}), {@code <name>.b}
 * ({@code 1×4H}). PyTorch's {@code nn.LSTM} keeps {@code weight_ih} ({@code 4H×I}) = {@code wxᵀ},
 * {@code weight_hh} ({@code 4H×H}) = {@code whᵀ} and two biases whose sum is {@code b} (see
 * {@link org.tapegrad.layers.io.TorchLayout}).
 */
public final class LstmCell implements Cell<LstmState>, TorchParameters {

    private final int inputSize;
    private final int hiddenSize;
    private final Parameter wx;
    private final Parameter wh;
    private final Parameter b;

    /**
     * A cell initialized as PyTorch does: every weight and bias uniform in {@code [−1/√H, 1/√H]}, drawn from
     * {@code random} in the order wx, wh, b (row-major within each, as {@link org.tapegrad.layers.init.Initializer} draws).
     */
    public LstmCell(String name, int inputSize, int hiddenSize, Random random) {
        CellParameters.checkSizes(name, inputSize, hiddenSize);
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        double bound = 1.0 / Math.sqrt(hiddenSize);
        this.wx = CellParameters.uniform(name + ".wx", inputSize, 4 * hiddenSize, bound, random);
        this.wh = CellParameters.uniform(name + ".wh", hiddenSize, 4 * hiddenSize, bound, random);
        this.b = CellParameters.uniform(name + ".b", 1, 4 * hiddenSize, bound, random);
    }

    /**
     * As {@link #LstmCell(String, int, int, Random)}, then the forget-gate block of {@code b} set to
     * {@code forgetBias}: 1.0 starts with {@code f ≈ σ(1) ≈ 0.73}, so the cell state, and its gradient, survive
     * longer from the first update on (docs/theory.md §2, "the additive path").
     */
    public LstmCell(String name, int inputSize, int hiddenSize, double forgetBias, Random random) {
        this(name, inputSize, hiddenSize, random);
        if (!Double.isFinite(forgetBias)) {
            throw new IllegalArgumentException(name + ": forget-gate bias must be finite, got " + forgetBias);
        }
        double[][] bias = Layout.toRowMajor(b.value());
        java.util.Arrays.fill(bias[0], hiddenSize, 2 * hiddenSize, forgetBias);
        b.assign(bias);
    }

    @Override
    public int inputSize() {
        return inputSize;
    }

    @Override
    public int hiddenSize() {
        return hiddenSize;
    }

    /** Input weights {@code I×4H}, gate blocks i, f, g, o. */
    public Parameter wx() {
        return wx;
    }

    /** Recurrent weights {@code H×4H}, gate blocks i, f, g, o. */
    public Parameter wh() {
        return wh;
    }

    /** Bias {@code 1×4H}, gate blocks i, f, g, o. */
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
        return List.of(new TorchBlock.Transposed("weight_ih", wx), new TorchBlock.Transposed("weight_hh", wh),
                new TorchBlock.Summed("bias_ih", "bias_hh", b));
    }

    @Override
    public LstmState initialState(Tape tape, int batch) {
        return new LstmState(tape.filled(batch, hiddenSize, 0.0), tape.filled(batch, hiddenSize, 0.0));
    }

    @Override
    public LstmState step(Tape tape, Var x, LstmState state) {
        CellParameters.checkStepInput("LstmCell", x, inputSize, state.h());
        int h = hiddenSize;
        Var z = affine(tape.param(b), x, tape.param(wx), state.h(), tape.param(wh));   // x·wx + h·wh + b
        Var input = z.columns(0, h).sigmoid();
        Var forget = z.columns(h, 2 * h).sigmoid();
        Var candidate = z.columns(2 * h, 3 * h).tanh();
        Var output = z.columns(3 * h, 4 * h).sigmoid();
        Var c = productSum(forget, state.c(), input, candidate);   // f⊙c + i⊙g
        return new LstmState(output.times(c.tanh()), c);
    }

    @Override
    public LstmState withParts(List<Var> parts) {
        return new LstmState(parts.get(0), parts.get(1));
    }
}
