package org.tapegrad.layers.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.CellState;
import org.tapegrad.layers.seq.Unroll;
import org.tapegrad.layers.seq.Unrolled;
import org.tapegrad.tape.Gradients;
import org.tapegrad.tape.NoGrad;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * Truncated backpropagation through time, TBPTT(k1, k2): a long sequence of T steps is processed in forward chunks
 * of k1 steps (the last chunk has the remaining {@code n = T mod k1} steps if that is not 0; a sequence shorter than
 * k1 is one chunk), each chunk on a fresh recording, with the state carried forward between chunks.
 *
 * <p><b>Which steps receive gradient.</b> In a chunk of n steps let {@code w = min(k2, n)}. The first {@code n − w}
 * steps run under {@link Tape#noGrad()}: they only advance the state, and their outputs are constants. The state is
 * thereby detached {@code w} steps before the end of the chunk, and the last w steps are recorded. So:
 * <ul>
 *   <li>the chunk's loss (a function of all n outputs, supplied by the caller) reaches the cell's parameters only
 *       through the last w steps; the loss term of window step j (0-based within the window) backpropagates
 *       through exactly j + 1 cell steps, never into an earlier chunk;
 *   <li>loss terms on the first {@code n − w} outputs give no gradient to the cell (they still give gradient to
 *       parameters applied after it, e.g. a read-out layer);
 *   <li>{@code k1 = k2 = k} (the common case): every step is recorded; the loss at global step t backpropagates
 *       through {@code (t mod k) + 1} steps, to the start of its chunk. {@code k1 = k2 ≥ T} is full BPTT.
 * </ul>
 * The state that crosses a chunk boundary is copied off the tape ({@link CarriedState}) and re-enters as constants,
 * so forward values are exactly those of one unbroken run.
 *
 * <p><b>Padded batches.</b> The runner steps every row through all T steps; mask each chunk's loss with
 * {@code StepMask.window(lengths, chunk.start(), chunk.length())} (package {@code layers.loss}). A finished row then
 * keeps stepping on padding, but its later loss terms are masked and rows do not interact, so no gradient comes from
 * padding; with {@code k1 = k2} the gradients are exactly those of each sequence run alone. (With {@code k2 < k1} the
 * window of a chunk is set by the batch's chunk, so in the chunk where a sequence ends its real steps may lie before
 * the window, unlike in its own shorter last chunk.) The carried state of a finished row is not its state at its end.
 *
 * <p>Per chunk: record, compute the loss, {@code tape.backward(loss)} (which adds the chunk's gradient into the
 * {@link org.tapegrad.tape.Parameter#grad() grad()} of every parameter it reaches), call {@code afterBackward} with
 * the chunk's {@link Gradients} (e.g. clip and take an optimizer step; the runner never zeroes or applies
 * gradients), copy the final state, {@code tape.reset()}.
 *
 * <p>The same chunks and gradients in memory sublinear in the chunk length, for a loss that is a sum of per-step
 * terms: {@link CheckpointedTruncatedBptt}.
 */
public final class TruncatedBptt<S extends CellState> {

    private final Cell<S> cell;
    private final int forwardSteps;
    private final int backwardSteps;

    /**
     * @param k1 steps per forward chunk, at least 1
     * @param k2 steps of the backward window at the end of each chunk, {@code 1 ≤ k2 ≤ k1}
     */
    public TruncatedBptt(Cell<S> cell, int k1, int k2) {
        this.cell = Objects.requireNonNull(cell, "cell");
        if (k1 < 1 || k2 < 1 || k2 > k1) {
            throw new IllegalArgumentException("truncated BPTT: need 1 ≤ k2 ≤ k1, got k1=" + k1 + ", k2=" + k2);
        }
        this.forwardSteps = k1;
        this.backwardSteps = k2;
    }

    /** TBPTT(k, k): chunks of k steps, all recorded. */
    public static <S extends CellState> TruncatedBptt<S> every(Cell<S> cell, int k) {
        return new TruncatedBptt<>(cell, k, k);
    }

    public int forwardSteps() {
        return forwardSteps;
    }

    public int backwardSteps() {
        return backwardSteps;
    }

    /**
     * Runs the whole sequence. The tape is reset before the first chunk and after every chunk, so no var recorded on
     * it survives.
     *
     * @param steps         sequence length T, at least 1
     * @param inputs        {@code x_t} for {@code t = 0..T−1}, each {@code B×I}
     * @param initial       the state before step 0, or {@code null} for the cell's zero state
     * @param loss          the {@code 1×1} loss of a chunk
     * @param afterBackward called once per chunk with its loss and gradients, after backward and before the reset
     * @return the state after step T−1, to continue the stream later
     */
    public CarriedState run(Tape tape, int steps, StepInputs inputs, CarriedState initial, ChunkLoss<S> loss,
            Consumer<? super ChunkResult<S>> afterBackward) {
        Objects.requireNonNull(inputs, "inputs");
        Objects.requireNonNull(loss, "loss");
        Objects.requireNonNull(afterBackward, "afterBackward");
        if (steps < 1) {
            throw new IllegalArgumentException("truncated BPTT: the sequence has " + steps + " steps; need at least 1");
        }
        tape.reset();
        CarriedState carried = initial;
        int index = 0;
        for (int start = 0; start < steps; start += forwardSteps, index++) {
            try {
                Chunk<S> chunk = record(tape, index, start, Math.min(forwardSteps, steps - start), inputs, carried);
                Var l = loss.loss(chunk);
                if (l == null || l.tape() != tape || l.rows() != 1 || l.cols() != 1) {
                    throw new IllegalArgumentException("truncated BPTT: the loss of chunk " + index + " must be a 1×1 value on the chunk's tape, got "
                            + (l == null ? "null" : l.shape() + (l.tape() == tape ? "" : " on another tape")));
                }
                retainStepGradients(chunk);
                // A constant loss (e.g. of an all-padding chunk) has nothing to backpropagate.
                Gradients gradients = l.requiresGrad() ? tape.backward(l) : null;
                afterBackward.accept(new ChunkResult<>(chunk, l.item(), gradients));
                carried = CarriedState.of(chunk.finalState());
            } finally {
                tape.reset();
            }
        }
        return carried;
    }

    /**
     * The chunk's result promises the gradients of its outputs and final state (diagnostics read them): keep them
     * through the pass, which releases other intermediates' gradients once used.
     */
    private static void retainStepGradients(Chunk<?> chunk) {
        for (Var h : chunk.outputs()) {
            if (h.requiresGrad()) {
                h.retainGrad();
            }
        }
        for (Var p : chunk.finalState().parts()) {
            if (p.requiresGrad()) {
                p.retainGrad();
            }
        }
    }

    private Chunk<S> record(Tape tape, int index, int start, int n, StepInputs inputs, CarriedState carried) {
        int window = Math.min(backwardSteps, n);
        int unrecorded = n - window;
        List<Var> outputs = new ArrayList<>(n);
        S state = null;
        if (unrecorded > 0) {
            try (NoGrad ignored = tape.noGrad()) {
                List<Var> xs = inputs(tape, inputs, start, unrecorded);
                Unrolled<S> ahead = Unroll.run(cell, tape, xs, startState(tape, carried, xs.get(0)));
                outputs.addAll(ahead.outputs());
                state = ahead.finalState();
            }
        }
        List<Var> xs = inputs(tape, inputs, start + unrecorded, window);
        if (state == null) {
            state = startState(tape, carried, xs.get(0));
        }
        Unrolled<S> recorded = Unroll.run(cell, tape, xs, state);
        outputs.addAll(recorded.outputs());
        return new Chunk<>(tape, index, start, n, unrecorded, List.copyOf(outputs), recorded.finalState());
    }

    private S startState(Tape tape, CarriedState carried, Var firstInput) {
        return carried == null ? cell.initialState(tape, firstInput.rows()) : carried.onto(tape, cell);
    }

    private static List<Var> inputs(Tape tape, StepInputs inputs, int from, int count) {
        List<Var> xs = new ArrayList<>(count);
        for (int t = from; t < from + count; t++) {
            Var x = inputs.at(tape, t);
            if (x == null || x.tape() != tape) {
                throw new IllegalArgumentException("truncated BPTT: the input of step " + t + " must be recorded on the tape it is given, got "
                        + (x == null ? "null" : "a value of another tape"));
            }
            xs.add(x);
        }
        return xs;
    }
}
