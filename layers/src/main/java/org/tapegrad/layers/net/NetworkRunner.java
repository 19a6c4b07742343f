package org.tapegrad.layers.net;

import static org.tapegrad.tape.Ops.selectRows;

import java.util.ArrayList;
import java.util.List;

import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.CellState;
import org.tapegrad.layers.reg.Dropout;
import org.tapegrad.layers.seq.Bidirectional;
import org.tapegrad.layers.seq.Unroll;
import org.tapegrad.layers.seq.Unrolled;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/** The layer-by-layer run of a {@link RecurrentNetwork}, built from {@link Unroll} and {@link Bidirectional}. */
final class NetworkRunner {

    private NetworkRunner() {
    }

    /**
     * @param steps T steps, each {@code B×I}
     * @throws IllegalArgumentException if there are no steps, a step has the wrong width, lengths or initial states
     *         do not match the batch and the layers
     */
    static NetworkOutput run(RecurrentNetwork net, Tape tape, List<Var> steps, NetworkOptions options) {
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("recurrent network: the sequence has no steps");
        }
        int batch = steps.get(0).rows();
        if (steps.get(0).cols() != net.inputSize()) {
            throw new IllegalArgumentException("recurrent network: input steps are " + steps.get(0).shape() + ", expected B×" + net.inputSize());
        }
        int[] lengths = options.lengths();
        List<CellState> initial = initialStates(net, tape, batch, options);
        Dropout between = new Dropout(net.dropout());
        List<CellState> finals = new ArrayList<>();
        List<Var> in = steps;
        for (int l = 0; l < net.layers(); l++) {
            int d = net.directions();
            List<Var> out;
            if (net.isBidirectional()) {
                Bidirectional.Result<?, ?> r = bidirectional(net.cell(l, false), net.cell(l, true), tape, in,
                        initial.get(l * d), initial.get(l * d + 1), lengths);
                out = r.outputs();
                finals.add(r.forward().finalState());
                finals.add(r.backward().finalState());
            } else {
                Unrolled<?> u = unroll(net.cell(l, false), tape, in, initial.get(l), lengths);
                out = u.outputs();
                finals.add(u.finalState());
            }
            if (l < net.layers() - 1) {
                out = out.stream().map(v -> between.apply(v, options.mode())).toList();
            }
            in = out;
        }
        return new NetworkOutput(lengths == null ? in : zeroPadded(tape, in, lengths), finals, net.layout());
    }

    /** PyTorch's padded output holds zeros after each sequence's end; an exact row select puts them there. */
    private static List<Var> zeroPadded(Tape tape, List<Var> steps, int[] lengths) {
        List<Var> out = new ArrayList<>(steps.size());
        for (int t = 0; t < steps.size(); t++) {
            boolean[] live = new boolean[lengths.length];
            boolean all = true;
            for (int b = 0; b < lengths.length; b++) {
                live[b] = t < lengths[b];
                all &= live[b];
            }
            Var s = steps.get(t);
            out.add(all ? s : selectRows(live, s, tape.filled(s.rows(), s.cols(), 0.0)));
        }
        return out;
    }

    private static List<CellState> initialStates(RecurrentNetwork net, Tape tape, int batch, NetworkOptions options) {
        List<Cell<?>> cells = net.cells();
        if (options.initialStates() != null) {
            if (options.initialStates().size() != cells.size()) {
                throw new IllegalArgumentException("recurrent network: " + options.initialStates().size() + " initial states for "
                        + cells.size() + " layers × directions");
            }
            return options.initialStates();
        }
        List<CellState> states = new ArrayList<>(cells.size());
        for (int k = 0; k < cells.size(); k++) {
            CellState zero = cells.get(k).initialState(tape, batch);
            if (options.initialParts() == null) {
                states.add(zero);
                continue;
            }
            List<Var> packed = options.initialParts();
            if (packed.size() != zero.parts().size()) {
                throw new IllegalArgumentException("recurrent network: " + packed.size() + " initial parts given, the cells' states have " + zero.parts().size());
            }
            List<Var> parts = new ArrayList<>();
            for (int p = 0; p < packed.size(); p++) {
                Var all = packed.get(p);
                int h = zero.parts().get(p).cols();
                if (all.rows() != cells.size() * batch || all.cols() != h) {
                    throw new IllegalArgumentException("recurrent network: initial part " + p + " is " + all.shape() + ", expected "
                            + (cells.size() * batch) + "×" + h + " ([L·D, B, H] flattened)");
                }
                int[] rows = new int[batch];
                for (int b = 0; b < batch; b++) {
                    rows[b] = k * batch + b;
                }
                parts.add(all.gatherRows(rows));
            }
            states.add(cells.get(k).withParts(parts));
        }
        return states;
    }

    // The states come from the cells' own initialState/withParts (or the user's, checked by the cell's step).
    @SuppressWarnings("unchecked")
    private static <S extends CellState> Unrolled<S> unroll(Cell<S> cell, Tape tape, List<Var> in, CellState initial, int[] lengths) {
        return Unroll.run(cell, tape, in, (S) initial, lengths);
    }

    @SuppressWarnings("unchecked")
    private static <F extends CellState, B extends CellState> Bidirectional.Result<F, B> bidirectional(Cell<F> f, Cell<B> b, Tape tape,
            List<Var> in, CellState f0, CellState b0, int[] lengths) {
        return Bidirectional.run(f, b, tape, in, (F) f0, (B) b0, lengths);
    }
}
