package org.tapegrad.layers.net;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;

import org.tapegrad.layers.cell.Cell;

/**
 * PyTorch's constructor arguments of a {@link RecurrentNetwork}: {@code num_layers}, {@code bidirectional},
 * {@code dropout}, {@code batch_first}; the cells are made by a {@link CellFactory}, bottom first, per layer forward
 * then reverse, so their weights are drawn in {@code state_dict()} order.
 */
public final class NetworkBuilder {

    private final CellFactory cells;
    private final int input;
    private final int hidden;
    private int layers = 1;
    private boolean bidirectional;
    private double dropout;
    private SequenceLayout layout = SequenceLayout.TIME_MAJOR;
    private String name = "rnn";

    NetworkBuilder(CellFactory cells, int input, int hidden) {
        this.cells = Objects.requireNonNull(cells, "cells");
        if (input < 1 || hidden < 1) {
            throw new IllegalArgumentException("recurrent network: input and hidden size must be at least 1, got " + input + ", " + hidden);
        }
        this.input = input;
        this.hidden = hidden;
    }

    public NetworkBuilder layers(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("recurrent network: layers must be at least 1, got " + n);
        }
        layers = n;
        return this;
    }

    public NetworkBuilder bidirectional(boolean on) {
        bidirectional = on;
        return this;
    }

    public NetworkBuilder dropout(double p) {
        dropout = p;
        return this;
    }

    /** {@code batch_first=True} is {@link SequenceLayout#BATCH_MAJOR}. */
    public NetworkBuilder layout(SequenceLayout l) {
        layout = Objects.requireNonNull(l, "layout");
        return this;
    }

    /** The prefix of the cells' parameter names: {@code <name>.l0}, {@code <name>.l0_reverse}, … (default "rnn"). */
    public NetworkBuilder name(String n) {
        name = Objects.requireNonNull(n, "name");
        return this;
    }

    /** Builds the cells, drawing their weights from {@code random} in {@code state_dict()} order. */
    public RecurrentNetwork build(Random random) {
        List<Cell<?>> f = new ArrayList<>();
        List<Cell<?>> b = new ArrayList<>();
        int directions = bidirectional ? 2 : 1;
        for (int l = 0; l < layers; l++) {
            int in = l == 0 ? input : directions * hidden;
            f.add(cells.create(name + ".l" + l, in, hidden, random));
            if (bidirectional) {
                b.add(cells.create(name + ".l" + l + "_reverse", in, hidden, random));
            }
        }
        return new RecurrentNetwork(f, b, dropout, layout);
    }
}
