package org.tapegrad.bench.cells;

import java.util.List;
import java.util.Random;

import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.HiddenState;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * A GRU step composed of engine ops in the PyTorch / cuDNN formulation (THEORY.md §3, "linear before reset"), used
 * by the benchmarks until {@code layers} ships its own GRU cell. With {@code a = x·W_x + b_x} and
 * {@code u = h·W_h + b_h}, both {@code B×3H} in gate order r, z, n:
 * {@code r = σ(a_r + u_r)}, {@code z = σ(a_z + u_z)}, {@code n = tanh(a_n + r⊙u_n)}, {@code h' = (1−z)⊙n + z⊙h}.
 *
 * <p>Parameters: {@code wx} ({@code I×3H}), {@code wh} ({@code H×3H}), {@code bx}, {@code bh} ({@code 1×3H}).
 */
public final class TapeGru implements Cell<HiddenState> {

    private final int inputSize;
    private final int hiddenSize;
    private final Parameter wx;
    private final Parameter wh;
    private final Parameter bx;
    private final Parameter bh;

    /** Weights and biases uniform in {@code [−1/√H, 1/√H]}, drawn from {@code random} in the order wx, wh, bx, bh. */
    public TapeGru(String name, int inputSize, int hiddenSize, Random random) {
        Init.checkSizes(name, inputSize, hiddenSize);
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        double bound = 1.0 / Math.sqrt(hiddenSize);
        this.wx = Init.uniform(name + ".wx", inputSize, 3 * hiddenSize, bound, random);
        this.wh = Init.uniform(name + ".wh", hiddenSize, 3 * hiddenSize, bound, random);
        this.bx = Init.uniform(name + ".bx", 1, 3 * hiddenSize, bound, random);
        this.bh = Init.uniform(name + ".bh", 1, 3 * hiddenSize, bound, random);
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
        return List.of(wx, wh, bx, bh);
    }

    @Override
    public HiddenState initialState(Tape tape, int batch) {
        return new HiddenState(tape.filled(batch, hiddenSize, 0.0));
    }

    @Override
    public HiddenState step(Tape tape, Var x, HiddenState state) {
        int h = hiddenSize;
        Var a = x.matmul(wx).plus(bx);
        Var u = state.h().matmul(wh).plus(bh);
        Var r = a.columns(0, h).plus(u.columns(0, h)).sigmoid();
        Var z = a.columns(h, 2 * h).plus(u.columns(h, 2 * h)).sigmoid();
        Var n = a.columns(2 * h, 3 * h).plus(r.times(u.columns(2 * h, 3 * h))).tanh();
        return new HiddenState(z.oneMinus().times(n).plus(z.times(state.h())));
    }

    @Override
    public HiddenState withParts(List<Var> parts) {
        return new HiddenState(parts.get(0));
    }
}
