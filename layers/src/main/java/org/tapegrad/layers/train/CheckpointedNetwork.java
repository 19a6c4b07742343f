package org.tapegrad.layers.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.ojalgo.matrix.store.MatrixStore;
import org.ojalgo.matrix.store.R064Store;
import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.CellState;
import org.tapegrad.layers.cell.StackedCell;
import org.tapegrad.layers.cell.StackedState;
import org.tapegrad.layers.net.RecurrentNetwork;
import org.tapegrad.layers.seq.Unroll;
import org.tapegrad.op.DType;
import org.tapegrad.tape.Gradients;
import org.tapegrad.tape.NoGrad;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * Checkpointed BPTT of a whole {@link RecurrentNetwork} — stacked, bidirectional, padded — with a loss on the top
 * layer's outputs: the gradients {@code network.run(...)} and one backward would give, in a fraction of the memory.
 * The network runs layer by layer as {@code RecurrentNetwork} does; what crosses a layer boundary (each layer's
 * output sequence {@code B×D·H} per step, and later its gradient) is kept off the tape, and each direction's
 * recurrence is run by {@link CheckpointedBptt}: forward once without recording to produce the layer's outputs,
 * then backward segment by segment, top layer first, taking the gradient of its outputs and handing down the gradient
 * of its inputs. Memory: {@code L · T · B · D·H} doubles of layer outputs and their gradients plus one direction's
 * checkpointed run, instead of every intermediate of every step of every layer.
 *
 * <p>Same ops on the same values as the full tape: without lengths an LSTM network's gradients are bitwise equal;
 * with lengths (row selects add reads of the states) or cells reading a state part more than twice, sums at
 * segment and layer boundaries associate differently, within 1e-12 in the tests. Dropout between layers is not
 * supported (it would be drawn again when a segment is recomputed); a loss on the final states neither.
 */
public final class CheckpointedNetwork {

    /** The loss term of step t on the top layer's output {@code y_t} ({@code B×D·H}, zero at padded rows), or null. */
    @FunctionalInterface
    public interface OutputLoss {
        Var loss(Tape tape, int t, Var output);
    }

    /**
     * The summed loss, and the most bytes held at once in the buffer pool's account: the kept layer sequences and
     * gradients plus the largest direction's checkpointed run.
     */
    public record Result(double loss, long peakBytes) {
    }

    private final RecurrentNetwork network;
    private final CheckpointSchedule schedule;
    private final Tape tape;

    /** @throws IllegalArgumentException if the network has dropout between layers */
    public CheckpointedNetwork(RecurrentNetwork network, CheckpointSchedule schedule) {
        this.network = Objects.requireNonNull(network, "network");
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        this.tape = new Tape(network.dtype());
        if (network.dropout() > 0 && network.layers() > 1) {
            throw new IllegalArgumentException("checkpointed network: dropout " + network.dropout()
                    + " between layers is not supported (a recomputed segment would draw other masks); build the network without dropout");
        }
    }

    /**
     * Truncated BPTT(k1, k2) of this one-direction network, each chunk checkpointed under this runner's schedule: the
     * network's layers as one {@link StackedCell} (the state of every layer carried between chunks, the loss on the
     * top layer's {@code h_t} = {@code state.output()}), run by {@link CheckpointedTruncatedBptt}, which gives
     * {@link TruncatedBptt}'s gradients for that stack.
     *
     * @throws IllegalArgumentException for a bidirectional network (its reverse direction reads each sequence from its
     *         end, which a chunk does not have: there is no truncated form), or k1, k2 outside {@code 1 ≤ k2 ≤ k1}
     */
    public CheckpointedTruncatedBptt<StackedState> truncated(int k1, int k2) {
        if (network.isBidirectional()) {
            throw new IllegalArgumentException("checkpointed network: truncated BPTT needs a one-direction network; a bidirectional one's reverse "
                    + "direction reads each sequence from its end, which a chunk lacks (use run on whole sequences)");
        }
        List<Cell<?>> layers = new ArrayList<>();
        for (int l = 0; l < network.layers(); l++) {
            layers.add(network.cell(l, false));
        }
        return new CheckpointedTruncatedBptt<>(new StackedCell(layers), k1, k2, schedule);
    }

    /**
     * Runs forward and backward from zero initial states; every parameter reached gets {@code ∂L/∂θ} added into its
     * {@code grad()}, {@code L = Σ_t loss(t, y_t)}.
     *
     * @param steps   T inputs, each {@code B×I}
     * @param lengths real length of each sequence (1..T), or null
     */
    public Result run(List<? extends MatrixStore<Double>> steps, int[] lengths, OutputLoss loss) {
        Objects.requireNonNull(loss, "loss");
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("checkpointed network: the sequence has no steps");
        }
        int T = steps.size();
        int batch = Math.toIntExact(steps.get(0).countRows());
        if (steps.get(0).countColumns() != network.inputSize()) {
            throw new IllegalArgumentException("checkpointed network: input steps are " + batch + "×" + steps.get(0).countColumns()
                    + ", expected B×" + network.inputSize());
        }
        if (lengths != null) {
            Unroll.checkLengths(lengths, batch, T);
        }
        int layers = network.layers();
        int directions = network.directions();
        // Forward: each layer's input sequence, kept (layer 0's is the caller's).
        List<List<MatrixStore<Double>>> layerInputs = new ArrayList<>();
        List<MatrixStore<Double>> in = new ArrayList<>(steps);
        long kept = 0;
        for (int l = 0; l < layers; l++) {
            layerInputs.add(in);
            List<List<R064Store>> outs = new ArrayList<>();
            for (int d = 0; d < directions; d++) {
                Cell<?> cell = network.cell(l, d == 1);
                List<MatrixStore<Double>> x = d == 1 ? reverseWithin(in, lengths) : in;
                List<R064Store> h = outputs(cell, x, batch, lengths);
                outs.add(d == 1 ? reverseWithin(h, lengths) : h);
            }
            in = concat(outs);
            kept += bytes(in);
        }
        // The top layer's output as the network gives it (zero at padded steps) and the gradient of its loss.
        List<R064Store> outputGradients = new ArrayList<>(T);
        double[] terms = new double[T];
        boolean[] has = new boolean[T];
        for (int t = 0; t < T; t++) {
            outputGradients.add(null);
        }
        long peak = 0;
        for (int t = T - 1; t >= 0; t--) {
            try {
                Var y = tape.variable(zeroPadded(in.get(t), t, lengths));
                Var term = loss.loss(tape, t, y);
                R064Store g = R064Store.FACTORY.make(y.rows(), y.cols());
                if (term != null) {
                    if (term.tape() != tape || term.rows() != 1 || term.cols() != 1) {
                        throw new IllegalArgumentException("checkpointed network: the loss of step " + t + " must be a 1×1 value on the step's tape");
                    }
                    terms[t] = term.item();
                    has[t] = true;
                    if (term.requiresGrad()) {
                        Gradients gradients = tape.backward(term);
                        g.fillMatching(gradients.of(y));
                        zeroPaddedRows(g, t, lengths);
                    }
                }
                outputGradients.set(t, g);
                peak = Math.max(peak, tape.peakBytesHeld());
            } finally {
                tape.reset();
            }
        }
        peak += kept;
        // Backward, top layer first: each direction's checkpointed run takes its half of the output gradient.
        List<R064Store> above = outputGradients;
        for (int l = layers - 1; l >= 0; l--) {
            List<MatrixStore<Double>> x = layerInputs.get(l);
            boolean inputsNeedGradient = l > 0;
            List<R064Store> below = inputsNeedGradient ? zeros(x) : null;
            int offset = 0;
            for (int d = 0; d < directions; d++) {
                Cell<?> cell = network.cell(l, d == 1);
                int h = cell.hiddenSize();
                List<R064Store> dh = columns(above, offset, h);
                offset += h;
                List<MatrixStore<Double>> xd = d == 1 ? reverseWithin(x, lengths) : x;
                List<R064Store> dhd = d == 1 ? reverseWithin(dh, lengths) : dh;
                List<R064Store> dx = inputsNeedGradient ? zeros(x) : null;
                long run = backward(cell, xd, dhd, lengths, dx);
                // Held now: the layer sequences, the gradient from above, and (l > 0) the sum and this direction's part below.
                peak = Math.max(peak, kept + bytes(above) + (inputsNeedGradient ? 2 * bytes(x) : 0) + run);
                if (dx != null) {
                    add(below, d == 1 ? reverseWithin(dx, lengths) : dx);
                }
            }
            above = below;
        }
        double total = 0;
        boolean any = false;
        for (int t = 0; t < T; t++) {
            if (has[t]) {
                total = any ? total + terms[t] : terms[t];
                total = tape.dtype() == DType.F32 ? (float) total : total;   // as a float tape's chain of plus ops
                any = true;
            }
        }
        return new Result(total, peak);
    }

    /** The outputs of {@code cell} over {@code x} from its zero state, without recording, one unit at a time. */
    private <S extends CellState> List<R064Store> outputs(Cell<S> cell, List<? extends MatrixStore<Double>> x, int batch, int[] lengths) {
        List<R064Store> h = new ArrayList<>(x.size());
        CarriedState state = null;
        int unit = Math.max(1, (int) Math.ceil(Math.sqrt(x.size())));
        for (int start = 0; start < x.size(); start += unit) {
            try (NoGrad ignored = tape.noGrad()) {
                S s = state == null ? cell.initialState(tape, batch) : state.onto(tape, cell);
                for (int t = start; t < Math.min(x.size(), start + unit); t++) {
                    s = Unroll.step(cell, tape, tape.constant(x.get(t)), s, t, lengths);
                    h.add(R064Store.FACTORY.copy(s.output().value()));
                }
                state = CarriedState.of(s);
            } finally {
                tape.reset();
            }
        }
        return h;
    }

    /** One direction's checkpointed backward: the loss is {@code Σ_t sum(h_t ⊙ dh_t)}, its input gradients into dx. */
    private <S extends CellState> long backward(Cell<S> cell, List<? extends MatrixStore<Double>> x, List<R064Store> dh, int[] lengths,
            List<R064Store> dx) {
        CheckpointedBptt<S> run = new CheckpointedBptt<>(cell, schedule, tape);
        CheckpointedBptt.Result r = run.run(x.size(), (t2, t) -> dx != null ? t2.variable(x.get(t)) : t2.constant(x.get(t)), null, lengths,
                (t2, t, s) -> s.output().times(t2.constant(dh.get(t))).sum(),
                dx == null ? null : (t, g) -> dx.get(t).fillMatching(g));
        return r.peakBytes();
    }

    private static MatrixStore<Double> zeroPadded(MatrixStore<Double> y, int t, int[] lengths) {
        if (lengths == null) {
            return y;
        }
        R064Store copy = R064Store.FACTORY.copy(y);
        zeroPaddedRows(copy, t, lengths);
        return copy;
    }

    private static void zeroPaddedRows(R064Store s, int t, int[] lengths) {
        if (lengths == null) {
            return;
        }
        for (int b = 0; b < lengths.length; b++) {
            if (t >= lengths[b]) {
                for (int j = 0; j < s.getColDim(); j++) {
                    s.set(b, j, 0.0);
                }
            }
        }
    }

    /**
     * Each sequence reversed within its real steps, row by row (the arrays' form of
     * {@code Bidirectional.reverseWithin}): row b of step t is row b of step {@code L_b−1−t} for {@code t < L_b}.
     */
    static <M extends MatrixStore<Double>> List<M> reverseWithin(List<M> steps, int[] lengths) {
        int T = steps.size();
        List<M> out = new ArrayList<>(T);
        if (lengths == null) {
            for (int t = T - 1; t >= 0; t--) {
                out.add(steps.get(t));
            }
            return out;
        }
        for (int t = 0; t < T; t++) {
            R064Store s = R064Store.FACTORY.copy(steps.get(t));
            for (int b = 0; b < lengths.length; b++) {
                if (t < lengths[b]) {
                    MatrixStore<Double> source = steps.get(lengths[b] - 1 - t);
                    for (int j = 0; j < s.getColDim(); j++) {
                        s.set(b, j, source.doubleValue(b, j));
                    }
                }
            }
            @SuppressWarnings("unchecked")
            M m = (M) s;   // R064Store is what every caller passes (a MatrixStore list gets R064Stores back, which it accepts)
            out.add(m);
        }
        return out;
    }

    private static List<MatrixStore<Double>> concat(List<List<R064Store>> parts) {
        int T = parts.get(0).size();
        List<MatrixStore<Double>> out = new ArrayList<>(T);
        for (int t = 0; t < T; t++) {
            int rows = parts.get(0).get(t).getRowDim();
            int cols = 0;
            for (List<R064Store> p : parts) {
                cols += p.get(t).getColDim();
            }
            R064Store s = R064Store.FACTORY.make(rows, cols);
            int at = 0;
            for (List<R064Store> p : parts) {
                R064Store part = p.get(t);
                for (int j = 0; j < part.getColDim(); j++) {
                    for (int i = 0; i < rows; i++) {
                        s.set(i, at + j, part.doubleValue(i, j));
                    }
                }
                at += part.getColDim();
            }
            out.add(s);
        }
        return out;
    }

    private static List<R064Store> columns(List<R064Store> steps, int from, int count) {
        List<R064Store> out = new ArrayList<>(steps.size());
        for (R064Store s : steps) {
            int rows = s.getRowDim();
            R064Store c = R064Store.FACTORY.make(rows, count);
            for (int j = 0; j < count; j++) {
                for (int i = 0; i < rows; i++) {
                    c.set(i, j, s.doubleValue(i, from + j));
                }
            }
            out.add(c);
        }
        return out;
    }

    private static List<R064Store> zeros(List<? extends MatrixStore<Double>> like) {
        List<R064Store> out = new ArrayList<>(like.size());
        for (MatrixStore<Double> m : like) {
            out.add(R064Store.FACTORY.make(m.countRows(), m.countColumns()));
        }
        return out;
    }

    private static void add(List<R064Store> into, List<R064Store> terms) {
        for (int t = 0; t < into.size(); t++) {
            R064Store a = into.get(t);
            R064Store b = terms.get(t);
            for (int j = 0; j < a.getColDim(); j++) {
                for (int i = 0; i < a.getRowDim(); i++) {
                    a.set(i, j, a.doubleValue(i, j) + b.doubleValue(i, j));
                }
            }
        }
    }

    private static long bytes(List<? extends MatrixStore<Double>> steps) {
        long n = 0;
        for (MatrixStore<Double> s : steps) {
            n += s.countRows() * s.countColumns() * Double.BYTES;
        }
        return n;
    }
}
