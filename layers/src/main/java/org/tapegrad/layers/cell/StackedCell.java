package org.tapegrad.layers.cell;

import java.util.ArrayList;
import java.util.List;

import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * Several cells stacked: layer 0 reads the step's input, layer l > 0 reads layer l−1's new {@code h} of the same
 * step, and the stack emits the top layer's {@code h}. One step of the stack is
 *
 * <pre>{@code
 * Var in = x;                                   // B×I
 * for (int l = 0; l < layers.size(); l++) {
 *     states[l] = layers.get(l).step(tape, in, states[l]);
 *     in = states[l].output();                  // B×H_l, the input of layer l+1
 * }
 * }</pre>
 *
 * so {@code Unroll.run(stack, ...)} is the layer-by-layer unroll of PyTorch's {@code num_layers > 1}, computed step
 * by step. Layers may be of different kinds (e.g. an LSTM under a GRU). Parameters are the layers' parameters in
 * order; give the layers distinct names. For PyTorch's whole {@code nn.LSTM} (bidirectional layers, dropout between
 * layers, packed input, {@code h_n}) use {@link org.tapegrad.layers.net.RecurrentNetwork}, which runs layer by layer
 * and gives the same outputs bit for bit; a stack stays useful where a state must be carried step by step (TBPTT).
 */
public final class StackedCell implements Cell<StackedState> {

    private final List<Cell<?>> layers;
    private final int[] partCounts;

    /**
     * @throws IllegalArgumentException if there is no layer or layer l's input size is not layer l−1's hidden size
     */
    public StackedCell(List<? extends Cell<?>> layers) {
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("StackedCell: needs at least one layer");
        }
        for (int l = 1; l < layers.size(); l++) {
            if (layers.get(l).inputSize() != layers.get(l - 1).hiddenSize()) {
                throw new IllegalArgumentException("StackedCell: layer " + l + " takes input size " + layers.get(l).inputSize()
                        + " but layer " + (l - 1) + " emits hidden size " + layers.get(l - 1).hiddenSize());
            }
        }
        this.layers = List.copyOf(layers);
        // withParts must split a flat list of parts: count each layer's parts once, on a throw-away tape.
        this.partCounts = new int[layers.size()];
        Tape probe = new Tape();
        for (int l = 0; l < layers.size(); l++) {
            partCounts[l] = layers.get(l).initialState(probe, 1).parts().size();
        }
        probe.reset();
    }

    /** A stack of the given layers, bottom first. */
    public static StackedCell of(Cell<?>... layers) {
        return new StackedCell(List.of(layers));
    }

    /** The layers, bottom first. */
    public List<Cell<?>> layers() {
        return layers;
    }

    @Override
    public int inputSize() {
        return layers.get(0).inputSize();
    }

    /** The top layer's hidden size. */
    @Override
    public int hiddenSize() {
        return layers.get(layers.size() - 1).hiddenSize();
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> all = new ArrayList<>();
        for (Cell<?> c : layers) {
            all.addAll(c.parameters());
        }
        return all;
    }

    @Override
    public StackedState initialState(Tape tape, int batch) {
        List<CellState> states = new ArrayList<>(layers.size());
        for (Cell<?> c : layers) {
            states.add(c.initialState(tape, batch));
        }
        return new StackedState(states);
    }

    @Override
    public StackedState step(Tape tape, Var x, StackedState state) {
        if (state.layers().size() != layers.size()) {
            throw new IllegalArgumentException("StackedCell.step: state has " + state.layers().size() + " layers, the stack " + layers.size());
        }
        List<CellState> next = new ArrayList<>(layers.size());
        Var in = x;
        for (int l = 0; l < layers.size(); l++) {
            CellState s = stepLayer(layers.get(l), tape, in, state.layer(l));
            next.add(s);
            in = s.output();
        }
        return new StackedState(next);
    }

    @Override
    public StackedState withParts(List<Var> parts) {
        int total = java.util.Arrays.stream(partCounts).sum();
        if (parts.size() != total) {
            throw new IllegalArgumentException("StackedCell.withParts: got " + parts.size() + " parts, the layers have " + total);
        }
        List<CellState> states = new ArrayList<>(layers.size());
        int from = 0;
        for (int l = 0; l < layers.size(); l++) {
            states.add(layers.get(l).withParts(parts.subList(from, from + partCounts[l])));
            from += partCounts[l];
        }
        return new StackedState(states);
    }

    /** Steps one layer; its state came from that layer's own initialState/step/withParts, so the cast holds. */
    @SuppressWarnings("unchecked")
    private static <S extends CellState> CellState stepLayer(Cell<S> cell, Tape tape, Var x, CellState state) {
        return cell.step(tape, x, (S) state);
    }
}
