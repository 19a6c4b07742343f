package org.tapegrad.layers.train;

import java.util.Objects;

/**
 * Where {@link CheckpointedBptt} keeps states and what it recomputes, chosen per sequence length T:
 * <ul>
 *   <li>{@link #sqrt()} (the default): a state every {@code k = ⌈√T⌉} steps. One forward sweep stores the
 *       {@code T/k} boundaries, then each segment is recomputed once, recorded and backpropagated, last first:
 *       memory {@code ~ (T/k)·state + k·step}, minimal at {@code k ≈ √T·√(state/step)}; time one extra forward.
 *   <li>{@link #every(int)}: the same with a chosen k.
 *   <li>{@link #binomial(int, int)}: at most {@code slots} stored states and segments of a given length, reversed by
 *       the binomial schedule of Griewank's {@code revolve} (ACM TOMS 26, 2000): the recursion puts a checkpoint,
 *       reverses the part after it with one slot less, frees it and reverses the part before it; the split points
 *       are the binomial ones ({@link CheckpointPlan}), which minimize the steps recomputed for that many slots —
 *       about {@code r·T} for r the least number with {@code C(s + r + 1, s + 1) ≥ T/L}. So memory can go to
 *       {@code O(log T)} states at {@code O(log T)} recomputation, or anything between.
 *   <li>{@link #forBudget(long)}: the fastest binomial plan whose memory ({@link CheckpointedBptt#estimateMemory})
 *       fits a budget in bytes; the full tape (no recomputation) when that fits.
 * </ul>
 */
public abstract class CheckpointSchedule {

    private CheckpointSchedule() {
    }

    /** The plan for a sequence of {@code steps} steps of a cell whose memory is {@code memory}. */
    public abstract CheckpointPlan plan(int steps, StepMemory memory);

    /** A state every {@code ⌈√T⌉} steps, each segment recomputed once. */
    public static CheckpointSchedule sqrt() {
        return new CheckpointSchedule() {
            @Override
            public CheckpointPlan plan(int steps, StepMemory memory) {
                int k = (int) Math.ceil(Math.sqrt(steps));
                return new CheckpointPlan(steps, Math.min(k, steps), Integer.MAX_VALUE);
            }

            @Override
            public String toString() {
                return "a checkpoint every ⌈√T⌉ steps";
            }
        };
    }

    /** A state every {@code k} steps, each segment recomputed once. */
    public static CheckpointSchedule every(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("checkpoint schedule: a checkpoint every " + k + " steps; need at least 1");
        }
        return new CheckpointSchedule() {
            @Override
            public CheckpointPlan plan(int steps, StepMemory memory) {
                return new CheckpointPlan(steps, Math.min(k, steps), Integer.MAX_VALUE);
            }

            @Override
            public String toString() {
                return "a checkpoint every " + k + " steps";
            }
        };
    }

    /** At most {@code slots} stored states, segments of {@code segmentSteps}, reversed by the binomial schedule. */
    public static CheckpointSchedule binomial(int slots, int segmentSteps) {
        if (slots < 0 || segmentSteps < 1) {
            throw new IllegalArgumentException("checkpoint schedule: binomial needs slots ≥ 0 and segments of at least 1 step, got "
                    + slots + " slots, " + segmentSteps + " steps");
        }
        return new CheckpointSchedule() {
            @Override
            public CheckpointPlan plan(int steps, StepMemory memory) {
                return new CheckpointPlan(steps, Math.min(segmentSteps, steps), slots);
            }

            @Override
            public String toString() {
                return "binomial, " + slots + " slots, segments of " + segmentSteps + " steps";
            }
        };
    }

    /**
     * The plan recomputing the fewest steps whose {@link MemoryEstimate#totalBytes()} is at most {@code budgetBytes}:
     * every segment length L is tried with as many slots as the rest of the budget holds.
     *
     * @throws IllegalArgumentException (at planning) if not even one recorded step and no checkpoint fit
     */
    public static CheckpointSchedule forBudget(long budgetBytes) {
        if (budgetBytes < 1) {
            throw new IllegalArgumentException("checkpoint schedule: a memory budget of " + budgetBytes + " bytes");
        }
        return new CheckpointSchedule() {
            @Override
            public CheckpointPlan plan(int steps, StepMemory memory) {
                Objects.requireNonNull(memory, "memory");
                CheckpointPlan best = null;
                long bestCost = Long.MAX_VALUE;
                for (int l = steps; l >= 1; l--) {
                    long left = budgetBytes - memory.segmentBytes(l) - MemoryEstimate.boundaryBytes(memory);
                    if (left < 0) {
                        continue;
                    }
                    int units = CheckpointPlan.ceilDiv(steps, l);
                    int slots = (int) Math.min(units - 1, left / Math.max(1, memory.stateBytes()));
                    long cost = CheckpointPlan.optimalAdvances(units, slots) * l;
                    if (cost < bestCost) {
                        bestCost = cost;
                        best = new CheckpointPlan(steps, l, slots);
                        if (cost == 0) {
                            break;
                        }
                    }
                }
                if (best == null) {
                    throw new IllegalArgumentException("checkpoint schedule: a budget of " + budgetBytes + " bytes does not hold one recorded step ("
                            + memory.segmentBytes(1) + " bytes) and a state's gradient");
                }
                return best;
            }

            @Override
            public String toString() {
                return "the fastest plan within " + budgetBytes + " bytes";
            }
        };
    }
}
