package org.tapegrad.bench.cells;

import java.util.List;
import java.util.Random;

import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.LstmState;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * An LSTM step composed of engine ops (THEORY.md §2), used by the benchmarks until {@code layers} ships its own
 * LSTM cell: {@code z = x·W_x + h·W_h + b} with the four gate blocks fused in PyTorch order i, f, g, o, the gates
 * split with {@code columns}, then {@code c' = f⊙c + i⊙g}, {@code h' = o⊙tanh(c')}.
 *
 * <p>Parameters: {@code wx} ({@code I×4H}), {@code wh} ({@code H×4H}), {@code b} ({@code 1×4H}); gate k occupies
 * columns {@code [kH, (k+1)H)}.
 */
public final class TapeLstm implements Cell<LstmState> {

    private final int inputSize;
    private final int hiddenSize;
    private final Parameter wx;
    private final Parameter wh;
    private final Parameter b;

    /** Weights and biases uniform in {@code [−1/√H, 1/√H]}, drawn from {@code random} in the order wx, wh, b. */
    public TapeLstm(String name, int inputSize, int hiddenSize, Random random) {
        Init.checkSizes(name, inputSize, hiddenSize);
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        double bound = 1.0 / Math.sqrt(hiddenSize);
        this.wx = Init.uniform(name + ".wx", inputSize, 4 * hiddenSize, bound, random);
        this.wh = Init.uniform(name + ".wh", hiddenSize, 4 * hiddenSize, bound, random);
        this.b = Init.uniform(name + ".b", 1, 4 * hiddenSize, bound, random);
    }

    @Override
    public int inputSize() {
        return inputSize;
    }

    @Override
    public int hiddenSize() {
        return hiddenSize;
    }

    /** Input weights {@code I×4H}. */
    public Parameter wx() {
        return wx;
    }

    /** Recurrent weights {@code H×4H}. */
    public Parameter wh() {
        return wh;
    }

    /** Bias {@code 1×4H}. */
    public Parameter b() {
        return b;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(wx, wh, b);
    }

    @Override
    public LstmState initialState(Tape tape, int batch) {
        return new LstmState(tape.filled(batch, hiddenSize, 0.0), tape.filled(batch, hiddenSize, 0.0));
    }

    @Override
    public LstmState step(Tape tape, Var x, LstmState state) {
        int h = hiddenSize;
        Var z = x.matmul(wx).plus(state.h().matmul(wh)).plus(b);
        Var i = z.columns(0, h).sigmoid();
        Var f = z.columns(h, 2 * h).sigmoid();
        Var g = z.columns(2 * h, 3 * h).tanh();
        Var o = z.columns(3 * h, 4 * h).sigmoid();
        Var c = f.times(state.c()).plus(i.times(g));
        return new LstmState(o.times(c.tanh()), c);
    }

    @Override
    public LstmState withParts(List<Var> parts) {
        return new LstmState(parts.get(0), parts.get(1));
    }
}
