package org.tapegrad.layers.train;

import java.util.Objects;
import java.util.function.Consumer;

import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.CellState;
import org.tapegrad.layers.seq.Unroll;
import org.tapegrad.tape.Tape;

/**
 * Truncated BPTT(k1, k2) with each chunk checkpointed: the chunks, the cut and the gradients of
 * {@link TruncatedBptt} (read its Javadoc for which steps receive gradient), in the memory of a
 * {@link CheckpointedBptt} run over one chunk instead of a tape of the chunk's last {@code w = min(k2, n)} steps.
 *
 * <p>Per chunk of n steps: the first {@code n − w} steps run without recording the cell, as in {@code TruncatedBptt},
 * and the chunk runs as one checkpointed pass over its n steps ({@link CheckpointSchedule}: {@code √n} spacing, any
 * schedule, or a memory budget): states are kept at some unit boundaries and each unit is recomputed during backward,
 * last first. A unit before the window runs its cell steps without recording too; only its loss terms are recorded
 * (on constant states) and backpropagated in their place. That is why the schedule covers the whole chunk and not
 * only the window: a loss term on a step before the window still gives gradient to parameters after the cell (a
 * read-out), and for those to receive their terms in the order of one chunk tape — last step first — the steps before
 * the window are revisited in reverse as well. The cost is one extra forward sweep over the chunk, as for
 * {@code CheckpointedBptt}. The final state is carried to the next chunk as a {@link CarriedState} (constants there).
 *
 * <p><b>Same gradients as {@code TruncatedBptt}.</b> With the chunk loss written as the sum of the same per-step terms
 * in step order ({@code ((ℓ_0 + ℓ_1) + ℓ_2) + …}), every parameter's gradient and every chunk loss are bitwise those of
 * {@code TruncatedBptt(cell, k1, k2)} where the ops are the same (an LSTM); where more than two ops read a state part
 * (the GRU, lengths' row selects) a gradient crossing a unit boundary arrives pre-summed and rounds differently
 * (within 1e-12 in the tests, as for {@code CheckpointedBptt}).
 *
 * <p><b>Padded batches.</b> Two ways, both giving no gradient from padding: {@code lengths == null} and the per-step
 * loss masks its padded rows (exactly {@code TruncatedBptt}'s behaviour: a finished row keeps stepping on padding); or
 * global {@code lengths} (1..T), with which a finished row's state is carried unchanged from its last real step, as
 * in {@link Unroll} and {@code CheckpointedBptt} (its carried state is then its state at its end); the loss must
 * still mask padded steps' terms (their outputs repeat the last real {@code h}).
 *
 * <p>Stacked layers: a {@link org.tapegrad.layers.cell.StackedCell} (or {@link CheckpointedNetwork#truncated} for a
 * one-direction {@code RecurrentNetwork}). Bidirectional layers have no truncated form: the reverse direction reads
 * the sequence from its end, which a chunk does not have. The per-chunk callback runs after the chunk's backward
 * (e.g. clip and take an optimizer step; the runner never zeroes or applies gradients). As for
 * {@code CheckpointedBptt}, the cell's step must be deterministic (it runs more than once).
 */
public final class CheckpointedTruncatedBptt<S extends CellState> {

    /**
     * One chunk's run, given to the callback: global steps {@code [start, start + length)}, of which the chunk-local
     * steps {@code recordedFrom..length−1} pass gradient into the cell; {@code result} holds the chunk's loss, the
     * state it hands on ({@code finalState()}) and its memory account ({@code peakBytes()}, {@code estimate()});
     * its {@code initialStateGradient()} is the chunk loss's gradient with respect to the carried-in state, which
     * truncation discards (zero when the window starts after the chunk's first step).
     */
    public record ChunkRun(int index, int start, int length, int recordedFrom, CheckpointedBptt.Result result) {

        /** The chunk's loss {@code Σ ℓ_t} over its steps (0 when no step has a term). */
        public double loss() {
            return result.loss();
        }
    }

    private final CheckpointedBptt<S> runner;
    private final Cell<S> cell;
    private final CheckpointSchedule schedule;
    private final int forwardSteps;
    private final int backwardSteps;

    /**
     * @param k1       steps per forward chunk, at least 1
     * @param k2       steps of the backward window at the end of each chunk, {@code 1 ≤ k2 ≤ k1}
     * @param schedule how each chunk is checkpointed, e.g. {@link CheckpointSchedule#sqrt()}
     */
    public CheckpointedTruncatedBptt(Cell<S> cell, int k1, int k2, CheckpointSchedule schedule) {
        this(cell, k1, k2, schedule, new Tape(Objects.requireNonNull(cell, "cell").dtype()));
    }

    /** The same, recording on {@code tape}, which the runner resets between units (give it a tape of its own). */
    public CheckpointedTruncatedBptt(Cell<S> cell, int k1, int k2, CheckpointSchedule schedule, Tape tape) {
        this.cell = Objects.requireNonNull(cell, "cell");
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        if (k1 < 1 || k2 < 1 || k2 > k1) {
            throw new IllegalArgumentException("checkpointed truncated BPTT: need 1 ≤ k2 ≤ k1, got k1=" + k1 + ", k2=" + k2);
        }
        this.forwardSteps = k1;
        this.backwardSteps = k2;
        this.runner = new CheckpointedBptt<>(cell, schedule, Objects.requireNonNull(tape, "tape"));
    }

    /** TBPTT(k, k), each chunk checkpointed under {@code schedule}. */
    public static <S extends CellState> CheckpointedTruncatedBptt<S> every(Cell<S> cell, int k, CheckpointSchedule schedule) {
        return new CheckpointedTruncatedBptt<>(cell, k, k, schedule);
    }

    /** TBPTT(k1, k2), each chunk checkpointed by the fastest plan within {@code budgetBytes} ({@link CheckpointSchedule#forBudget}). */
    public static <S extends CellState> CheckpointedTruncatedBptt<S> withinBudget(Cell<S> cell, int k1, int k2, long budgetBytes) {
        return new CheckpointedTruncatedBptt<>(cell, k1, k2, CheckpointSchedule.forBudget(budgetBytes));
    }

    public int forwardSteps() {
        return forwardSteps;
    }

    public int backwardSteps() {
        return backwardSteps;
    }

    /**
     * What a run over {@code steps} steps at batch size {@code batch} holds at its peak, before it runs: the estimate
     * of its longest chunk, {@code min(k1, steps)} steps, under the schedule (chunks run one after the other and a
     * shorter last chunk holds no more). Units before the window record less than the estimate's segments.
     */
    public MemoryEstimate estimateMemory(int batch, int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("checkpointed truncated BPTT: the sequence has " + steps + " steps; need at least 1");
        }
        return CheckpointedBptt.estimateMemory(cell, batch, Math.min(forwardSteps, steps), schedule);
    }

    /**
     * Runs the whole sequence, chunk by chunk: each parameter the window steps or the loss reach gets the chunk's
     * {@code ∂L_chunk/∂θ} added into its {@code grad()} (never zeroed here), then {@code afterBackward} is called.
     *
     * @param steps         sequence length T, at least 1
     * @param inputs        {@code x_t} for {@code t = 0..T−1} (global t), each {@code B×I}, recorded on demand (steps
     *                      before a window under noGrad)
     * @param initial       the state before step 0, or null for the cell's zero state
     * @param lengths       real length of each sequence (1..T), or null (see the class Javadoc)
     * @param loss          the term of global step t, {@code L_chunk = Σ_t ℓ_t} over the chunk's steps
     * @param afterBackward called once per chunk, after its backward
     * @return the state after step T−1, to continue the stream later
     */
    public CarriedState run(int steps, StepInputs inputs, CarriedState initial, int[] lengths, StepLoss<S> loss,
            Consumer<? super ChunkRun> afterBackward) {
        Objects.requireNonNull(inputs, "inputs");
        Objects.requireNonNull(loss, "loss");
        Objects.requireNonNull(afterBackward, "afterBackward");
        if (steps < 1) {
            throw new IllegalArgumentException("checkpointed truncated BPTT: the sequence has " + steps + " steps; need at least 1");
        }
        CarriedState carried = initial != null ? initial : runner.zeroState(inputs, 0);
        if (lengths != null) {
            Unroll.checkLengths(lengths, carried.batch(), steps);
        }
        int index = 0;
        for (int start = 0; start < steps; start += forwardSteps, index++) {
            int n = Math.min(forwardSteps, steps - start);
            int recordedFrom = n - Math.min(backwardSteps, n);
            CheckpointedBptt.Result r = runner.runSteps(start, n, recordedFrom, inputs, carried, lengths, loss, null);
            afterBackward.accept(new ChunkRun(index, start, n, recordedFrom, r));
            carried = r.finalState();
        }
        return carried;
    }
}
