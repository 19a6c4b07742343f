package org.tapegrad.layers.train;

import java.util.List;
import java.util.Random;

import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.LstmState;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * A test cell with a two-part state, LSTM-like: {@code c_t = c_{t−1}/2 + tanh(x·W_x + h·W_h)}, {@code h_t = tanh(c_t)}.
 * Enough to check that every part of a state is carried and cut, without depending on the real LSTM cell.
 */
final class TwoPartCell implements Cell<LstmState> {

    private final int inputSize;
    private final int hiddenSize;
    private final Parameter wx;
    private final Parameter wh;

    TwoPartCell(int inputSize, int hiddenSize, Random random) {
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        this.wx = TbpttFixtures.gaussian("two.wx", inputSize, hiddenSize, 0.8, random);
        this.wh = TbpttFixtures.gaussian("two.wh", hiddenSize, hiddenSize, 0.8, random);
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
        return List.of(wx, wh);
    }

    @Override
    public LstmState initialState(Tape tape, int batch) {
        return new LstmState(tape.filled(batch, hiddenSize, 0.0), tape.filled(batch, hiddenSize, 0.0));
    }

    @Override
    public LstmState step(Tape tape, Var x, LstmState state) {
        Var c = state.c().times(0.5).plus(x.matmul(wx).plus(state.h().matmul(wh)).tanh());
        return new LstmState(c.tanh(), c);
    }

    @Override
    public LstmState withParts(List<Var> parts) {
        return new LstmState(parts.get(0), parts.get(1));
    }
}
