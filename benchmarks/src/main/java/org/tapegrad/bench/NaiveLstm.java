package org.tapegrad.bench;

import java.util.List;
import java.util.Random;

import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.LstmState;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * An LSTM as a user writes it: one matmul per gate and input, separate {@code plus}/{@code sigmoid}/{@code times}
 * (same math as {@code LstmCell}, docs/theory.md §2); the baseline record-time fusion is measured on.
 */
final class NaiveLstm implements Cell<LstmState> {

    private final int inputSize;
    private final int hiddenSize;
    private final Parameter[] w = new Parameter[4];   // I×H each: input, forget, candidate, output
    private final Parameter[] u = new Parameter[4];   // H×H each
    private final Parameter[] b = new Parameter[4];   // 1×H each

    NaiveLstm(int inputSize, int hiddenSize, Random random) {
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        for (int k = 0; k < 4; k++) {
            w[k] = Inputs.uniform("w" + k, inputSize, hiddenSize, random);
            u[k] = Inputs.uniform("u" + k, hiddenSize, hiddenSize, random);
            b[k] = Inputs.uniform("b" + k, 1, hiddenSize, random);
        }
    }

    private Var gate(Var x, Var h, int k) {
        return x.matmul(w[k]).plus(h.matmul(u[k])).plus(b[k]);
    }

    @Override
    public LstmState step(Tape tape, Var x, LstmState s) {
        Var i = gate(x, s.h(), 0).sigmoid();
        Var f = gate(x, s.h(), 1).sigmoid();
        Var g = gate(x, s.h(), 2).tanh();
        Var o = gate(x, s.h(), 3).sigmoid();
        Var c = f.times(s.c()).plus(i.times(g));
        return new LstmState(o.times(c.tanh()), c);
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
    public LstmState initialState(Tape tape, int batch) {
        return new LstmState(tape.filled(batch, hiddenSize, 0.0), tape.filled(batch, hiddenSize, 0.0));
    }

    @Override
    public LstmState withParts(List<Var> parts) {
        return new LstmState(parts.get(0), parts.get(1));
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(w[0], w[1], w[2], w[3], u[0], u[1], u[2], u[3], b[0], b[1], b[2], b[3]);
    }
}
