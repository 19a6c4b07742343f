package org.tapegrad.bench;

import java.util.List;
import java.util.Random;

import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.HiddenState;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * A GRU as a user writes it, one matmul per block and input (PyTorch's formulation, {@code GruCell}'s
 * {@code LINEAR_BEFORE_RESET}): {@code r = σ(x·Wr + br + h·Ur + cr)}, {@code z} likewise,
 * {@code n = tanh(x·Wn + bn + r⊙(h·Un + cn))}, {@code h_t = (1−z)⊙n + z⊙h}.
 */
final class NaiveGru implements Cell<HiddenState> {

    private final int inputSize;
    private final int hiddenSize;
    private final Parameter[] w = new Parameter[3];   // I×H each: reset, update, candidate
    private final Parameter[] u = new Parameter[3];   // H×H each
    private final Parameter[] b = new Parameter[3];   // 1×H, input side
    private final Parameter[] c = new Parameter[3];   // 1×H, recurrent side

    NaiveGru(int inputSize, int hiddenSize, Random random) {
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        for (int k = 0; k < 3; k++) {
            w[k] = Inputs.uniform("w" + k, inputSize, hiddenSize, random);
            u[k] = Inputs.uniform("u" + k, hiddenSize, hiddenSize, random);
            b[k] = Inputs.uniform("b" + k, 1, hiddenSize, random);
            c[k] = Inputs.uniform("c" + k, 1, hiddenSize, random);
        }
    }

    @Override
    public HiddenState step(Tape tape, Var x, HiddenState s) {
        Var h = s.h();
        Var r = x.matmul(w[0]).plus(b[0]).plus(h.matmul(u[0]).plus(c[0])).sigmoid();
        Var z = x.matmul(w[1]).plus(b[1]).plus(h.matmul(u[1]).plus(c[1])).sigmoid();
        Var n = x.matmul(w[2]).plus(b[2]).plus(r.times(h.matmul(u[2]).plus(c[2]))).tanh();
        return new HiddenState(z.oneMinus().times(n).plus(z.times(h)));
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
    public HiddenState initialState(Tape tape, int batch) {
        return new HiddenState(tape.filled(batch, hiddenSize, 0.0));
    }

    @Override
    public HiddenState withParts(List<Var> parts) {
        return new HiddenState(parts.get(0));
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(w[0], w[1], w[2], u[0], u[1], u[2], b[0], b[1], b[2], c[0], c[1], c[2]);
    }
}
