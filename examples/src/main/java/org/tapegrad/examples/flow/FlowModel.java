package org.tapegrad.examples.flow;

import java.util.Random;

import org.tapegrad.layers.cell.Cell;

/**
 * One recurrent model of the gradient-flow comparison.
 *
 * @param name short label for tables, CSV columns and legends
 * @param gamma {@code max f'} of the activation (1 for tanh and relu, 1/4 for sigmoid) where docs/theory.md §1's bound
 *     {@code (γ‖W_h‖₂)^{T−t}} applies; NaN for gated cells
 * @param factory builds the cell for input size I and hidden size H from a seeded random source
 */
public record FlowModel(String name, double gamma, Factory factory) {

    /** Builds a cell. */
    @FunctionalInterface
    public interface Factory {
        Cell<?> build(int inputSize, int hiddenSize, Random random);
    }

    /** Whether docs/theory.md §1's bound applies (a vanilla RNN). */
    public boolean bounded() {
        return !Double.isNaN(gamma);
    }
}
