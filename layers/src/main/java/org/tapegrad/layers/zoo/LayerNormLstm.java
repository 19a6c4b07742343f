package org.tapegrad.layers.zoo;

import static org.tapegrad.tape.Ops.productSum;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.LstmState;
import org.tapegrad.layers.reg.LayerNorm;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * Layer-normalized LSTM (Ba, Kiros &amp; Hinton 2016, "Layer Normalization", §3.1 and appendix): the input and the
 * recurrent pre-activations are normalized separately, and so is the cell state before its tanh.
 * <pre>
 * z = LN₁(x·wx) + LN₂(h·wh) + b       (B×4H, gates i, f, g, o)
 * c' = σ(z_f)⊙c + σ(z_i)⊙tanh(z_g)    h' = σ(z_o)⊙tanh(LN₃(c'))
 * </pre>
 * Parameters {@code wx} {@code I×4H}, {@code wh} {@code H×4H}, {@code b} {@code 1×4H}, and each norm's gain and
 * bias ({@code 1×4H}, {@code 1×4H}, {@code 1×H}).
 */
public final class LayerNormLstm implements Cell<LstmState> {

    private final int inputSize;
    private final int hiddenSize;
    private final Parameter wx, wh, b;
    private final LayerNorm input, recurrent, cell;

    public LayerNormLstm(String name, int inputSize, int hiddenSize, Random random) {
        ZooParameters.checkSizes(name, inputSize, hiddenSize);
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        int h = hiddenSize;
        wx = ZooParameters.uniform(name + ".wx", inputSize, 4 * h, h, random);
        wh = ZooParameters.uniform(name + ".wh", h, 4 * h, h, random);
        b = ZooParameters.uniform(name + ".b", 1, 4 * h, h, random);
        input = new LayerNorm(name + ".lnInput", 4 * h);
        recurrent = new LayerNorm(name + ".lnRecurrent", 4 * h);
        cell = new LayerNorm(name + ".lnCell", h);
    }

    @Override
    public LstmState step(Tape tape, Var x, LstmState s) {
        int n = hiddenSize;
        Var z = input.apply(x.matmul(tape.param(wx))).plus(recurrent.apply(s.h().matmul(tape.param(wh)))).plus(tape.param(b));
        Var c = productSum(z.columns(n, 2 * n).sigmoid(), s.c(), z.columns(0, n).sigmoid(), z.columns(2 * n, 3 * n).tanh());
        return new LstmState(z.columns(3 * n, 4 * n).sigmoid().times(cell.apply(c).tanh()), c);
    }

    /** The norms, for a test or to start their gains elsewhere than 1. */
    public List<LayerNorm> norms() {
        return List.of(input, recurrent, cell);
    }

    @Override
    public int inputSize() {
        return inputSize;
    }

    @Override
    public int hiddenSize() {
        return hiddenSize;
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> all = new ArrayList<>(List.of(wx, wh, b));
        norms().forEach(norm -> all.addAll(norm.parameters()));
        return all;
    }

    @Override
    public LstmState initialState(Tape tape, int batch) {
        return new LstmState(tape.filled(batch, hiddenSize, 0.0), tape.filled(batch, hiddenSize, 0.0));
    }

    @Override
    public LstmState withParts(List<Var> parts) {
        return new LstmState(parts.get(0), parts.get(1));
    }
}
