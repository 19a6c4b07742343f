package org.tapegrad.layers.cell;

import java.util.List;

/**
 * A cell that can say how its weights appear in a PyTorch {@code state_dict()}: the built-in cells implement it with
 * {@code nn.RNN}/{@code nn.LSTM}/{@code nn.GRU}'s names, and a user's cell implements it to be saved, loaded and have
 * its gradients exported by {@link org.tapegrad.layers.io.TorchWeights} like a built-in one:
 *
 * <pre>{@code
 * public List<TorchBlock> torchBlocks() {
 *     return List.of(new TorchBlock.Transposed("weight_ih", wx), new TorchBlock.Transposed("weight_hh", wh),
 *                    new TorchBlock.Vector("bias", b));
 * }
 * }</pre>
 */
public interface TorchParameters {

    /**
     * The blocks, in {@code state_dict()} order; every parameter of the cell should be in exactly one block.
     *
     * @throws IllegalArgumentException if this configuration of the cell has no PyTorch equivalent, saying why
     */
    List<TorchBlock> torchBlocks();
}
