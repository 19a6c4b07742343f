package org.tapegrad.layers.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.ojalgo.matrix.store.MatrixStore;
import org.ojalgo.matrix.store.R064Store;
import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.CellState;
import org.tapegrad.layers.seq.Unroll;
import org.tapegrad.op.DType;
import org.tapegrad.tape.Gradients;
import org.tapegrad.tape.NoGrad;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * Backpropagation through time in memory sublinear in T: the sequence is cut into segments, only the states at some
 * segment boundaries are kept (as {@link CarriedState}s, off the tape), and during backward each segment's forward is
 * recomputed from the nearest kept state, recorded, and backpropagated with the gradient of its end state from the
 * segment after it, last segment first. Where and how many states are kept is the {@link CheckpointSchedule}'s choice
 * ({@code √T} spacing by default, a binomial {@code revolve} schedule for a memory budget);
 * {@link #estimateMemory} says what a run will hold before it runs.
 *
 * <p><b>Same gradients as full BPTT.</b> Every step is recorded exactly once, with the same ops on the same values
 * (a kept state is an exact copy; recomputation repeats the forward bit for bit), and segments are backpropagated
 * last first, so each parameter's gradient receives the same contributions in the same order as on one full tape:
 * bitwise equal. The only reassociation is at a boundary, where the gradient of the boundary state arrives as one
 * sum of the later segment's contributions: when more than two ops read a state part (masks, some cells) the sum
 * rounds differently, within 1e-12 relative in the tests.
 *
 * <p>The run owns its tape (reset between segments); the per-step loss ({@link StepLoss}) is recorded with its step.
 * Masks: {@code lengths} as in {@link Unroll}. Stacked layers: a {@link org.tapegrad.layers.cell.StackedCell}.
 * Truncated BPTT(k1, k2), any {@code k2 ≤ k1}: {@link CheckpointedTruncatedBptt}. The cell's step
 * must be a deterministic function of its input, state and parameters (no dropout drawn per step), since it is
 * run twice.
 */
public final class CheckpointedBptt<S extends CellState> {

    /** What a run did. */
    public record Result(double loss, CarriedState finalState, CarriedState initialStateGradient, long peakBytes, long recomputedSteps,
            MemoryEstimate estimate) {
    }

    private final Cell<S> cell;
    private final CheckpointSchedule schedule;
    private final Tape tape;
    private StepMemory memory;   // the cell's, probed once per batch size (its shapes do not change)
    private int probedBatch;

    /** A runner on a tape of its own, of the cell's element type. */
    public CheckpointedBptt(Cell<S> cell, CheckpointSchedule schedule) {
        this(cell, schedule, new Tape(cell.dtype()));
    }

    /** A runner recording on {@code tape}, which it resets between segments (give it a tape of its own). */
    public CheckpointedBptt(Cell<S> cell, CheckpointSchedule schedule, Tape tape) {
        this.cell = Objects.requireNonNull(cell, "cell");
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        this.tape = Objects.requireNonNull(tape, "tape");
    }

    /** What a run of {@code steps} steps at batch size {@code batch} under {@code schedule} will hold, before it runs. */
    public static MemoryEstimate estimateMemory(Cell<?> cell, int batch, int steps, CheckpointSchedule schedule) {
        StepMemory memory = StepMemory.probe(cell, batch);
        return MemoryEstimate.of(schedule.plan(steps, memory), memory);
    }

    /** {@link #estimateMemory(Cell, int, int, CheckpointSchedule)} for the fastest plan within {@code budgetBytes}. */
    public static MemoryEstimate estimateMemory(Cell<?> cell, int batch, int steps, long budgetBytes) {
        StepMemory memory = StepMemory.probe(cell, batch);
        return MemoryEstimate.of(CheckpointSchedule.forBudget(budgetBytes).plan(steps, memory), memory);
    }

    /**
     * Runs {@code steps} steps forward and backward: each parameter the cell or the loss reaches gets
     * {@code ∂L/∂θ} added into its {@code grad()} (never zeroed here), {@code L = Σ_t loss(t, s_t)}.
     *
     * @param inputs  {@code x_t}, recorded on demand on the runner's tape (a step may be recorded several times under
     *                noGrad and once with gradient)
     * @param initial the state before step 0, or null for the cell's zero state
     * @param lengths real length of each sequence (1..T), or null
     * @return the loss, the state after the last step, {@code ∂L/∂s_0}, and the memory account
     */
    public Result run(int steps, StepInputs inputs, CarriedState initial, int[] lengths, StepLoss<S> loss) {
        return run(steps, inputs, initial, lengths, loss, null);
    }

    /** Receives {@code ∂L/∂x_t} of the inputs that need a gradient (a lower layer's outputs), each step once. */
    @FunctionalInterface
    public interface InputGradients {
        /** @param gradient read only, valid during the call */
        void accept(int t, MatrixStore<Double> gradient);
    }

    /**
     * {@link #run(int, StepInputs, CarriedState, int[], StepLoss)}, handing {@code ∂L/∂x_t} to {@code inputGradients}
     * (null: none) for every step whose input needs a gradient (e.g. recorded with {@code tape.variable}), in the
     * order the segments are backpropagated.
     */
    public Result run(int steps, StepInputs inputs, CarriedState initial, int[] lengths, StepLoss<S> loss, InputGradients inputGradients) {
        Objects.requireNonNull(inputs, "inputs");
        Objects.requireNonNull(loss, "loss");
        if (steps < 1) {
            throw new IllegalArgumentException("checkpointed BPTT: the sequence has " + steps + " steps; need at least 1");
        }
        CarriedState start = initial != null ? initial : zeroState(inputs, 0);
        if (lengths != null) {
            Unroll.checkLengths(lengths, start.batch(), steps);
        }
        return runSteps(0, steps, 0, inputs, start, lengths, loss, inputGradients);
    }

    /** The cell's zero state at the batch size of the input of global step {@code origin}. */
    CarriedState zeroState(StepInputs inputs, int origin) {
        tape.reset();
        try {
            Var first = inputs.at(tape, origin);
            return CarriedState.of(cell.initialState(tape, first.rows()));
        } finally {
            tape.reset();
        }
    }

    /**
     * The checkpointed pass over global steps {@code [origin, origin + steps)} from {@code start}, of which the first
     * {@code detached} run without recording the cell (their inputs under noGrad too), as the first {@code n − w}
     * steps of a chunk of truncated BPTT: their loss terms are still recorded, on constant states, and backpropagated
     * in their place in the reverse order, so a read-out after the cell receives them as on one tape; no gradient
     * reaches the cell, the inputs or the start state through them. {@code detached = 0} is {@link #run}. Lengths
     * are global (checked by the caller).
     */
    Result runSteps(int origin, int steps, int detached, StepInputs inputs, CarriedState start, int[] lengths, StepLoss<S> loss,
            InputGradients inputGradients) {
        tape.reset();
        if (memory == null || probedBatch != start.batch()) {
            memory = StepMemory.probe(cell, start.batch());
            probedBatch = start.batch();
        }
        CheckpointPlan plan = schedule.plan(steps, memory);
        Pass pass = new Pass(plan, origin, detached, inputs, lengths, loss, memory.stateBytes(), inputGradients);
        pass.reverse(0, plan.units(), start, plan.slots());
        // Summed in step order in the tape's element type, as the chain of plus ops of a full tape sums them.
        boolean single = tape.dtype() == DType.F32;
        double total = 0;
        boolean any = false;
        for (int t = 0; t < steps; t++) {
            if (pass.hasTerm[t]) {
                total = any ? total + pass.terms[t] : pass.terms[t];
                total = single ? (float) total : total;
                any = true;
            }
        }
        return new Result(total, pass.finalState, pass.gradient, pass.peakBytes + MemoryEstimate.boundaryBytes(memory), pass.advanced,
                MemoryEstimate.of(plan, memory));
    }

    /** {@code Σ_k sum(part_k ⊙ seed_k)} over the state's parts (the seed null: plain sums), recorded last. */
    static Var seededSum(CellState s, CarriedState seed) {
        Var total = null;
        List<Var> parts = s.parts();
        for (int k = 0; k < parts.size(); k++) {
            Var p = parts.get(k);
            if (!p.requiresGrad()) {
                continue;
            }
            Var term = seed == null ? p.sum() : p.times(p.tape().constant(seed.part(k))).sum();
            total = total == null ? term : total.plus(term);
        }
        return total;
    }

    /** One run's walk over the schedule. */
    private final class Pass {
        final CheckpointPlan plan;
        final int origin;           // global index of local step 0
        final int detached;         // local steps [0, detached) run without recording the cell
        final StepInputs inputs;
        final int[] lengths;
        final StepLoss<S> loss;
        final long stateBytes;
        final InputGradients inputGradients;
        final double[] terms;
        final boolean[] hasTerm;
        CarriedState gradient;      // ∂L/∂(state at the start of the unit last reversed)
        CarriedState finalState;
        long peakBytes;
        long advanced;
        int held;

        Pass(CheckpointPlan plan, int origin, int detached, StepInputs inputs, int[] lengths, StepLoss<S> loss, long stateBytes,
                InputGradients inputGradients) {
            this.plan = plan;
            this.origin = origin;
            this.detached = detached;
            this.inputGradients = inputGradients;
            this.inputs = inputs;
            this.lengths = lengths;
            this.loss = loss;
            this.stateBytes = stateBytes;
            this.terms = new double[plan.steps()];
            this.hasTerm = new boolean[plan.steps()];
        }

        /** Reverses units {@code [from, to)} given the state at the start of {@code from} and {@code free} slots. */
        void reverse(int from, int to, CarriedState state, int free) {
            int n = to - from;
            if (n == 1) {
                record(from, state);
                return;
            }
            if (free == 0) {
                for (int u = to - 1; u >= from; u--) {
                    record(u, advance(state, from, u));
                }
                return;
            }
            int m = CheckpointPlan.split(n, free);
            CarriedState checkpoint = advance(state, from, from + m);
            held++;
            reverse(from + m, to, checkpoint, free - 1);
            held--;
            reverse(from, from + m, state, free);
        }

        /** The state at the start of unit {@code to}, run forward without recording from the start of {@code from}. */
        CarriedState advance(CarriedState state, int from, int to) {
            CarriedState s = state;
            for (int u = from; u < to; u++) {
                int start = u * plan.segmentSteps();
                try (NoGrad ignored = tape.noGrad()) {
                    S current = s.onto(tape, cell);
                    for (int t = start; t < start + plan.unitLength(u); t++) {
                        current = Unroll.step(cell, tape, inputs.at(tape, origin + t), current, origin + t, lengths);
                    }
                    s = CarriedState.of(current);
                } finally {
                    account();
                    tape.reset();
                }
                advanced += plan.unitLength(u);
            }
            return s;
        }

        /**
         * Records unit {@code u} from its start state, backpropagates it with the later units' gradient, steps back.
         * Its steps before {@link #detached} run under noGrad (a unit that starts there takes its state as constants).
         */
        void record(int u, CarriedState state) {
            int start = u * plan.segmentSteps();
            int end = start + plan.unitLength(u);
            int cut = Math.min(end, Math.max(start, detached));   // local steps [start, cut) are detached
            try {
                boolean leavesNeedGradient = start >= detached;
                List<Var> leaves = new ArrayList<>(state.size());
                for (int k = 0; k < state.size(); k++) {
                    leaves.add(leavesNeedGradient ? tape.variable(state.part(k)) : tape.constant(state.part(k)));
                }
                S s = cell.withParts(leaves);
                List<S> states = new ArrayList<>(end - start);
                List<Var> xs = new ArrayList<>(end - start);
                if (cut > start) {
                    try (NoGrad ignored = tape.noGrad()) {
                        for (int t = start; t < cut; t++) {
                            Var x = inputs.at(tape, origin + t);
                            xs.add(x);
                            s = Unroll.step(cell, tape, x, s, origin + t, lengths);
                            states.add(s);
                        }
                    }
                }
                for (int t = cut; t < end; t++) {
                    Var x = inputs.at(tape, origin + t);
                    if (inputGradients != null && x.requiresGrad()) {
                        x.retainGrad();
                    }
                    xs.add(x);
                    s = Unroll.step(cell, tape, x, s, origin + t, lengths);
                    states.add(s);
                }
                // The loss terms after the segment's steps, as after a full unroll, and the later units' gradient last.
                Var total = null;
                for (int t = start; t < end; t++) {
                    Var term = loss.loss(tape, origin + t, states.get(t - start));
                    if (term == null) {
                        continue;
                    }
                    if (term.tape() != tape || term.rows() != 1 || term.cols() != 1) {
                        throw new IllegalArgumentException("checkpointed BPTT: the loss of step " + (origin + t) + " must be a 1×1 value on the step's tape, got "
                                + term.shape() + (term.tape() == tape ? "" : " on another tape"));
                    }
                    terms[t] = term.item();
                    hasTerm[t] = true;
                    total = total == null ? term : total.plus(term);
                }
                if (u == plan.units() - 1) {
                    finalState = CarriedState.of(s);
                }
                if (gradient != null) {
                    Var seeded = seededSum(s, gradient);   // null when the end state is detached (constants)
                    total = total == null ? seeded : seeded == null ? total : total.plus(seeded);
                }
                List<MatrixStore<Double>> g = new ArrayList<>(leaves.size());
                if (total != null && total.requiresGrad()) {
                    Gradients gradients = tape.backward(total);
                    leaves.forEach(leaf -> g.add(leavesNeedGradient ? gradients.of(leaf) : R064Store.FACTORY.make(leaf.rows(), leaf.cols())));
                    if (inputGradients != null) {
                        for (int t = end - 1; t >= start; t--) {
                            Var x = xs.get(t - start);
                            if (x.requiresGrad()) {
                                inputGradients.accept(origin + t, gradients.of(x));
                            }
                        }
                    }
                } else {
                    leaves.forEach(leaf -> g.add(R064Store.FACTORY.make(leaf.rows(), leaf.cols())));
                }
                gradient = CarriedState.of(g);
            } finally {
                account();
                tape.reset();
            }
        }

        private void account() {
            peakBytes = Math.max(peakBytes, tape.peakBytesHeld() + held * stateBytes);
        }
    }
}
