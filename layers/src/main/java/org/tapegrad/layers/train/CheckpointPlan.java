package org.tapegrad.layers.train;

/**
 * How {@link CheckpointedBptt} runs one sequence: the T steps are cut into units of {@code segmentSteps} (the last
 * one shorter when T is not a multiple), each unit is recorded on the tape once, for its backward pass, and
 * {@code slots} states at unit boundaries may be held at once besides the initial one. The units are reversed by the
 * binomial schedule of Griewank's {@code revolve} ({@link CheckpointSchedule}); with {@code slots ≥ units − 1} that is
 * the simple schedule: one forward sweep storing every boundary, then each unit recomputed once.
 *
 * @param steps        T
 * @param segmentSteps steps per recorded unit, 1..T
 * @param slots        boundary states held at once besides the initial one, at least 0
 */
public record CheckpointPlan(int steps, int segmentSteps, int slots) {

    public CheckpointPlan {
        if (steps < 1) {
            throw new IllegalArgumentException("checkpoint plan: the sequence has " + steps + " steps; need at least 1");
        }
        if (segmentSteps < 1 || segmentSteps > steps) {
            throw new IllegalArgumentException("checkpoint plan: " + segmentSteps + " steps per segment for a sequence of " + steps + "; need 1.." + steps);
        }
        if (slots < 0) {
            throw new IllegalArgumentException("checkpoint plan: " + slots + " checkpoint slots; need at least 0");
        }
        slots = Math.min(slots, ceilDiv(steps, segmentSteps) - 1);   // more than one per boundary is never used
    }

    /** Number of units, {@code ⌈T / segmentSteps⌉}. */
    public int units() {
        return ceilDiv(steps, segmentSteps);
    }

    /** Steps in unit {@code u}. */
    public int unitLength(int u) {
        return Math.min(segmentSteps, steps - u * segmentSteps);
    }

    /**
     * Steps run forward without recording (to reach a unit from a checkpoint), on top of the T steps recorded once
     * each: the recomputation this plan pays for its memory. Computed by walking the schedule (no cell runs).
     */
    public long recomputedSteps() {
        return new Walk().reverse(0, units(), slots);
    }

    /**
     * Where {@code revolve} puts the next checkpoint in a range of {@code n ≥ 2} units with {@code s ≥ 1} free slots,
     * as a unit offset {@code 1..n−1}. With r the least number of times any unit must be advanced,
     * {@code β(s, r) = C(s + r + 1, s + 1) ≥ n} is the most units s slots reverse that way (each unit's recording not
     * counted). The left part (already advanced once) gets s slots and r − 1 advances, the right part s − 1 slots;
     * giving the left part its maximum {@code β(s, r − 1)}, unless that would leave the right part fewer than
     * {@code β(s − 1, r − 1)} units, attains the optimum {@code r·n − β(s + 1, r − 1)} advances (checked against the
     * exhaustive recursion in the tests).
     */
    static int split(int n, int s) {
        int r = repetitions(n, s);
        long left = beta(s, r - 1);
        long rightAtLowerCost = beta(s - 1, r - 1);
        long m = n - left >= rightAtLowerCost ? left : n - rightAtLowerCost;
        return (int) Math.max(1, Math.min(n - 1, m));
    }

    /** The least r with {@code β(s, r) ≥ n}. */
    static int repetitions(int n, int s) {
        int r = 0;
        while (beta(s, r) < n) {
            r++;
        }
        return r;
    }

    /** {@code β(s, r) = C(s + r + 1, s + 1)}, saturating at {@code Long.MAX_VALUE}; 0 for r &lt; 0, r + 1 for s = 0. */
    static long beta(int s, int r) {
        if (r < 0) {
            return 0;
        }
        if (s < 0) {
            return 1;
        }
        // C(s + r + 1, k) with k = min(r, s + 1) factors, exact at every step (a product of i consecutive / i!).
        int k = Math.min(r, s + 1);
        long c = 1;
        for (int i = 1; i <= k; i++) {
            long numerator = (long) s + r + 2 - i;
            if (c > Long.MAX_VALUE / numerator) {
                return Long.MAX_VALUE;
            }
            c = c * numerator / i;
        }
        return c;
    }

    /** The least number of advances reversing n units with s free slots: {@code r·n − β(s + 1, r − 1)}. */
    static long optimalAdvances(int n, int s) {
        if (n <= 1) {
            return 0;
        }
        if (s == 0) {
            return (long) n * (n - 1) / 2;
        }
        int r = repetitions(n, s);
        return (long) r * n - beta(s + 1, r - 1);
    }

    static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /** The schedule's recursion, counting advanced steps only. */
    private final class Walk {
        long reverse(int from, int to, int free) {
            int n = to - from;
            if (n == 1) {
                return 0;
            }
            long advanced = 0;
            if (free == 0) {
                for (int u = to - 1; u > from; u--) {
                    advanced += stepsBetween(from, u);
                }
                return advanced;
            }
            int m = split(n, free);
            advanced += stepsBetween(from, from + m);
            advanced += reverse(from + m, to, free - 1);
            return advanced + reverse(from, from + m, free);
        }

        private long stepsBetween(int fromUnit, int toUnit) {
            return (long) Math.min(steps, toUnit * segmentSteps) - (long) fromUnit * segmentSteps;
        }
    }
}
