package org.tapegrad.layers.net;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.tapegrad.layers.HasParameters;
import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.StackedCell;
import org.tapegrad.tape.Parameter;

/**
 * A multi-layer, optionally bidirectional recurrent network over any {@link Cell}, with the knobs of PyTorch's
 * {@code nn.RNN}/{@code nn.LSTM}/{@code nn.GRU}: {@code num_layers}, {@code bidirectional}, {@code dropout} between
 * layers, {@code batch_first}. Layer 0 reads the input ({@code I} features), layer l &gt; 0 reads layer l − 1's output
 * ({@code D·H}, D = 2 when bidirectional). running it is, layer by layer,
 *
 * <pre>{@code
 * List<Var> in = steps;                                     // T steps, each B×I
 * for (int l = 0; l < layers; l++) {
 *     out = bidirectional ? Bidirectional.run(cell(l, false), cell(l, true), ...).outputs()   // B×2H per step
 *                         : Unroll.run(cell(l, false), ...).outputs();                        // B×H per step
 *     in = l < layers − 1 ? dropout(out) : out;             // dropout only in training mode
 * }
 * }</pre>
 *
 * Parameters are the cells' in PyTorch's {@code state_dict()} order (per layer, forward then reverse).
 */
public final class RecurrentNetwork implements HasParameters {

    private final List<Cell<?>> forward;
    private final List<Cell<?>> backward;
    private final double dropout;
    private final SequenceLayout layout;

    RecurrentNetwork(List<? extends Cell<?>> forward, List<? extends Cell<?>> backward, double dropout, SequenceLayout layout) {
        if (forward.isEmpty() || (!backward.isEmpty() && backward.size() != forward.size())) {
            throw new IllegalArgumentException("recurrent network: needs at least one layer and, when bidirectional, as many reverse as forward layers; got "
                    + forward.size() + " and " + backward.size());
        }
        if (!(dropout >= 0 && dropout <= 1)) {
            throw new IllegalArgumentException("recurrent network: dropout must be in [0, 1], got " + dropout);
        }
        this.forward = List.copyOf(forward);
        this.backward = List.copyOf(backward);
        this.dropout = dropout;
        this.layout = Objects.requireNonNull(layout, "layout");
        int directions = backward.isEmpty() ? 1 : 2;
        for (int l = 0; l < forward.size(); l++) {
            for (int d = 0; d < directions; d++) {
                Cell<?> c = cell(l, d == 1);
                int expected = l == 0 ? forward.get(0).inputSize() : directions * forward.get(l - 1).hiddenSize();
                if (c.inputSize() != expected || c.hiddenSize() != forward.get(l).hiddenSize()) {
                    throw new IllegalArgumentException("recurrent network: layer " + l + (d == 1 ? " (reverse)" : "") + " is a cell of input "
                            + c.inputSize() + ", hidden " + c.hiddenSize() + "; expected input " + expected + ", hidden " + forward.get(l).hiddenSize());
                }
            }
        }
    }

    /** A builder of a network whose cells {@code cells} makes: {@code input} features in, {@code hidden} units per direction. */
    public static NetworkBuilder builder(CellFactory cells, int input, int hidden) {
        return new NetworkBuilder(cells, input, hidden);
    }

    /** A one-direction network of existing cells, bottom first (a {@link StackedCell}'s layers, or one cell). */
    public static RecurrentNetwork of(Cell<?> cellOrStack) {
        Objects.requireNonNull(cellOrStack, "cellOrStack");
        return new RecurrentNetwork(cellOrStack instanceof StackedCell s ? s.layers() : List.of(cellOrStack), List.of(), 0, SequenceLayout.TIME_MAJOR);
    }

    /** A one-layer bidirectional network of existing cells. */
    public static RecurrentNetwork bidirectional(Cell<?> forwardCell, Cell<?> reverseCell) {
        return bidirectional(List.of(forwardCell), List.of(reverseCell));
    }

    /** A bidirectional network of existing cells, bottom first; layer l &gt; 0 must take {@code 2H} inputs. */
    public static RecurrentNetwork bidirectional(List<? extends Cell<?>> forwardLayers, List<? extends Cell<?>> reverseLayers) {
        if (reverseLayers.isEmpty()) {
            throw new IllegalArgumentException("recurrent network: bidirectional needs reverse layers");
        }
        return new RecurrentNetwork(forwardLayers, reverseLayers, 0, SequenceLayout.TIME_MAJOR);
    }

    /** This network with dropout {@code p} between layers (applied in training mode only). */
    public RecurrentNetwork withDropout(double p) {
        return new RecurrentNetwork(forward, backward, p, layout);
    }

    /** This network reading and writing packed sequences in {@code newLayout} ({@code batch_first}). */
    public RecurrentNetwork withLayout(SequenceLayout newLayout) {
        return new RecurrentNetwork(forward, backward, dropout, newLayout);
    }

    /** PyTorch's {@code num_layers}. */
    public int layers() {
        return forward.size();
    }

    public boolean isBidirectional() {
        return !backward.isEmpty();
    }

    /** D: 2 when bidirectional, else 1. */
    public int directions() {
        return isBidirectional() ? 2 : 1;
    }

    public int inputSize() {
        return forward.get(0).inputSize();
    }

    /** H of the top layer, per direction. */
    public int hiddenSize() {
        return forward.get(forward.size() - 1).hiddenSize();
    }

    /** Features per step of the output: {@code D·H}. */
    public int outputSize() {
        return directions() * hiddenSize();
    }

    public double dropout() {
        return dropout;
    }

    public SequenceLayout layout() {
        return layout;
    }

    /** The cell of layer {@code layer}, forward or reverse. */
    public Cell<?> cell(int layer, boolean reverse) {
        if (reverse && !isBidirectional()) {
            throw new IllegalArgumentException("recurrent network: a one-direction network has no reverse layer");
        }
        Objects.checkIndex(layer, forward.size());
        return (reverse ? backward : forward).get(layer);
    }

    /** The cell of layer {@code layer} as a {@code type}, e.g. {@code cell(0, false, LstmCell.class)}. */
    public <C extends Cell<?>> C cell(int layer, boolean reverse, Class<C> type) {
        Cell<?> c = cell(layer, reverse);
        if (!type.isInstance(c)) {
            throw new IllegalArgumentException("recurrent network: layer " + layer + (reverse ? " (reverse)" : "") + " is a "
                    + c.getClass().getSimpleName() + ", not a " + type.getSimpleName());
        }
        return type.cast(c);
    }

    /** Every cell in {@code state_dict()} order: index {@code l·D + d}. */
    public List<Cell<?>> cells() {
        List<Cell<?>> all = new ArrayList<>();
        for (int l = 0; l < layers(); l++) {
            all.add(forward.get(l));
            if (isBidirectional()) {
                all.add(backward.get(l));
            }
        }
        return all;
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> all = new ArrayList<>();
        cells().forEach(c -> all.addAll(c.parameters()));
        return all;
    }

    /** Runs the network over T steps, each {@code B×I}; outputs and final states as {@link NetworkOutput} describes. */
    public NetworkOutput run(org.tapegrad.tape.Tape tape, List<org.tapegrad.tape.Var> steps, NetworkOptions options) {
        return NetworkRunner.run(this, tape, steps, options);
    }

    /** Runs the network on a packed {@code (T·B)×I} input in this network's {@link #layout()}. */
    public NetworkOutput run(org.tapegrad.tape.Tape tape, org.tapegrad.tape.Var packed, int batch, NetworkOptions options) {
        return NetworkRunner.run(this, tape, layout.split(packed, batch), options);
    }

    @Override
    public String toString() {
        return "a " + layers() + "-layer " + (isBidirectional() ? "bidirectional" : "one-direction") + " network";
    }
}
