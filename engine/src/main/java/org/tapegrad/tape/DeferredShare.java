package org.tapegrad.tape;

import org.tapegrad.kernel.SplitWork;

/**
 * How a tape's gradient passes divide the weight-gradient products between the pass's own thread and the worker that
 * runs them deferred ({@link Tape#setOverlapWeightGradients}, {@link Tape#setBalanceWeightGradients}): the pass's
 * thread keeps the first share of each such product's columns ({@link org.tapegrad.op.WeightGradients}), the worker
 * gets the rest.
 *
 * <p>Which share balances the two depends on the cell, the shapes, the element type and the machine (a weight
 * gradient with the batch as its inner dimension runs at a fraction of the kernel's peak, so the worker can have more
 * to do than the pass's whole chain of steps: float32 LSTM B=32, H=128 on AMD Zen 3, backward 1t/2t 1.53 with the
 * worker doing all of it, 1.67 with a fifth of the columns kept, 1.64 with a quarter, 1.48 with a third). So it is
 * found as the tape runs, from who waited for whom: after each pass, if the pass's thread waited at the end for the
 * worker longer than the worker had waited for tasks during the pass (by more than {@value #TOLERANCE_PERCENT} % of
 * the pass), the next pass keeps one step ({@value #STEPS}ths of the columns) more; in the opposite case one step
 * less; between none and half. Both waits have a part that no share removes (the worker waits for the first tasks,
 * the pass's thread for the last step's), of about the same size, so they cancel. The bits do not depend on the
 * share (each column is the same sum on either thread, and within a pass every column stays on one thread), only the
 * time does.
 */
final class DeferredShare {

    /** Shares are counted in steps of 1/{@value} of a product's columns. */
    static final int STEPS = 32;
    /** The largest share kept: half of the columns. */
    static final int MAX_STEPS = STEPS / 2;
    /** Waits that differ by up to this part of the pass's time count as balanced. */
    static final int TOLERANCE_PERCENT = 1;

    private int steps;

    /** The share kept, in 1/{@value #STEPS} steps. */
    int steps() {
        return steps;
    }

    /** Sets the share kept (for tests that must see a given split); clamped to {@code [0, MAX_STEPS]}. */
    void setSteps(int steps) {
        this.steps = Math.max(0, Math.min(MAX_STEPS, steps));
    }

    /**
     * The leading columns of an {@code n}-column product that the pass's thread computes with a share of
     * {@code steps}: that share of {@code n} rounded down to a multiple of {@link SplitWork#ALIGN} (so a product
     * narrower than that is all deferred).
     */
    static int keptColumns(int n, int steps) {
        return (int) ((long) n * steps / STEPS) / SplitWork.ALIGN * SplitWork.ALIGN;
    }

    /**
     * Moves the share after a pass that lasted {@code passNanos}, in which the worker waited {@code idleNanos} for
     * tasks and at whose end the pass's thread waited {@code waitedNanos} for the worker; a negative wait (no worker
     * took the deferred work: the pass's thread ran it all) leaves it as it is.
     */
    void update(long waitedNanos, long idleNanos, long passNanos) {
        if (waitedNanos < 0) {
            return;
        }
        long tolerance = passNanos / 100 * TOLERANCE_PERCENT;
        if (waitedNanos - idleNanos > tolerance) {
            setSteps(steps + 1);
        } else if (idleNanos - waitedNanos > tolerance) {
            setSteps(steps - 1);
        }
    }
}
