package org.tapegrad.layers.reg;

import java.util.ArrayList;
import java.util.List;

import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.CellState;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * Variational dropout (Gal &amp; Ghahramani 2016) around any cell: one mask per sequence for the input {@code x} and one
 * for the recurrent {@code h} fed into the step, the same at every step; inverted scaling {@code 1/(1−p)}. The
 * masks are drawn in {@link #initialState} and carried in the state ({@link MaskedState}); the cell's own state
 * (e.g. an LSTM's {@code c}) is not masked. In evaluation mode the wrapper is the cell itself.
 */
public final class VariationalDropout<S extends CellState> implements Cell<MaskedState<S>> {

    private final Cell<S> cell;
    private final double inputRate;
    private final double recurrentRate;
    private final Mode mode;
    private final int innerParts;

    /** Wraps {@code cell}; {@code mode} supplies the masks (one pair per {@link #initialState} call). */
    public VariationalDropout(Cell<S> cell, double inputRate, double recurrentRate, Mode mode) {
        this.cell = cell;
        this.inputRate = Mode.checkRate("variational dropout (input)", inputRate);
        this.recurrentRate = Mode.checkRate("variational dropout (recurrent)", recurrentRate);
        this.mode = mode;
        Tape probe = new Tape();
        this.innerParts = cell.initialState(probe, 1).parts().size();
        probe.reset();
    }

    @Override
    public int inputSize() {
        return cell.inputSize();
    }

    @Override
    public int hiddenSize() {
        return cell.hiddenSize();
    }

    @Override
    public List<Parameter> parameters() {
        return cell.parameters();
    }

    @Override
    public MaskedState<S> initialState(Tape tape, int batch) {
        return withMasks(cell.initialState(tape, batch), tape, batch);
    }

    /** {@code initial} (a state of the wrapped cell, e.g. a given {@code h_0}) with this sequence's masks drawn. */
    public MaskedState<S> withMasks(S initial, Tape tape, int batch) {
        if (!mode.isTraining()) {
            return new MaskedState<>(initial, null, null);
        }
        return new MaskedState<>(initial, tape.constant(Dropout.scaledMask(mode, batch, inputSize(), inputRate)),
                tape.constant(Dropout.scaledMask(mode, batch, hiddenSize(), recurrentRate)));
    }

    @Override
    public MaskedState<S> step(Tape tape, Var x, MaskedState<S> state) {
        if (state.inputMask() == null) {
            return new MaskedState<>(cell.step(tape, x, state.inner()), null, null);
        }
        List<Var> parts = new ArrayList<>(state.inner().parts());
        int h = parts.indexOf(state.inner().output());
        parts.set(h, parts.get(h).times(state.outputMask()));        // only the copy fed into this step is masked
        S next = cell.step(tape, x.times(state.inputMask()), cell.withParts(parts));
        return new MaskedState<>(next, state.inputMask(), state.outputMask());
    }

    @Override
    public MaskedState<S> withParts(List<Var> parts) {
        S inner = cell.withParts(parts.subList(0, innerParts));
        if (parts.size() == innerParts) {
            return new MaskedState<>(inner, null, null);
        }
        return new MaskedState<>(inner, parts.get(innerParts), parts.get(innerParts + 1));
    }
}
