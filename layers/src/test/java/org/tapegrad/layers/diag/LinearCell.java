package org.tapegrad.layers.diag;

import java.util.List;

import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.HiddenState;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/** Identity activation, {@code h_t = x_t·W_x + h_{t−1}·W_h}: here {@code ∂h_T/∂h_t = W_h^{T−t}} exactly. */
final class LinearCell implements Cell<HiddenState> {

    final Parameter wx;
    final Parameter wh;

    LinearCell(double[][] wx, double[][] wh) {
        this.wx = Parameter.of("lin.wx", wx);
        this.wh = Parameter.of("lin.wh", wh);
    }

    @Override
    public int inputSize() {
        return wx.shape().rows();
    }

    @Override
    public int hiddenSize() {
        return wh.shape().rows();
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(wx, wh);
    }

    @Override
    public HiddenState initialState(Tape tape, int batch) {
        return new HiddenState(tape.filled(batch, hiddenSize(), 0.0));
    }

    @Override
    public HiddenState step(Tape tape, Var x, HiddenState state) {
        return new HiddenState(x.matmul(wx).plus(state.h().matmul(wh)));
    }

    @Override
    public HiddenState withParts(List<Var> parts) {
        return new HiddenState(parts.get(0));
    }
}
