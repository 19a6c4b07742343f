package org.tapegrad.layers.io;

import java.util.List;
import java.util.Objects;

import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.StackedCell;

/**
 * The cells of a recurrent network seen as one PyTorch {@code nn.RNN}, {@code nn.LSTM} or {@code nn.GRU}: layer k of
 * the forward direction holds {@code *_l<k>}, layer k of the backward direction {@code *_l<k>_reverse}. Every cell
 * must be an {@code RnnCell} (tanh or relu), an {@code LstmCell} or a {@code GruCell} in
 * {@code LINEAR_BEFORE_RESET}; that is checked when weights are saved or loaded ({@link TorchWeights}).
 */
public final class TorchNetwork {

    private final List<Cell<?>> forward;
    private final List<Cell<?>> backward;

    private TorchNetwork(List<? extends Cell<?>> forward, List<? extends Cell<?>> backward) {
        this.forward = List.copyOf(forward);
        this.backward = List.copyOf(backward);
    }

    /** A one-direction network: a single cell is layer 0, a {@link StackedCell}'s layers are layers 0, 1, …. */
    public static TorchNetwork of(Cell<?> cellOrStack) {
        Objects.requireNonNull(cellOrStack, "cellOrStack");
        return new TorchNetwork(cellOrStack instanceof StackedCell stack ? stack.layers() : List.of(cellOrStack), List.of());
    }

    /** A one-layer bidirectional network ({@code bidirectional=True, num_layers=1}). */
    public static TorchNetwork bidirectional(Cell<?> forwardCell, Cell<?> backwardCell) {
        return bidirectional(List.of(forwardCell), List.of(backwardCell));
    }

    /**
     * A bidirectional network of {@code forwardLayers.size()} layers; layer k &gt; 0 of both directions reads the joined
     * outputs {@code [h_fwd | h_bwd]} of layer k − 1, so its input size is twice the hidden size below.
     *
     * @throws IllegalArgumentException if the directions have different depths or none
     */
    public static TorchNetwork bidirectional(List<? extends Cell<?>> forwardLayers, List<? extends Cell<?>> backwardLayers) {
        if (forwardLayers.isEmpty() || forwardLayers.size() != backwardLayers.size()) {
            throw new IllegalArgumentException("TorchNetwork: bidirectional needs as many forward as backward layers (at least one), got "
                    + forwardLayers.size() + " and " + backwardLayers.size());
        }
        return new TorchNetwork(forwardLayers, backwardLayers);
    }

    /** PyTorch's {@code num_layers}. */
    public int layers() {
        return forward.size();
    }

    /** PyTorch's {@code bidirectional}. */
    public boolean isBidirectional() {
        return !backward.isEmpty();
    }

    /** The cell of layer {@code layer} in the forward ({@code reverse = false}) or backward direction. */
    public Cell<?> cell(int layer, boolean reverse) {
        if (reverse && !isBidirectional()) {
            throw new IllegalArgumentException("TorchNetwork: a one-direction network has no reverse layer");
        }
        return (reverse ? backward : forward).get(layer);
    }

    @Override
    public String toString() {
        return "a " + layers() + "-layer " + (isBidirectional() ? "bidirectional" : "one-direction") + " network";
    }
}
