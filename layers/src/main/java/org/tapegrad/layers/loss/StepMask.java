package org.tapegrad.layers.loss;

/**
 * Which (step, sequence) pairs of a padded batch are real: sequence b takes part in steps {@code 0..lengths[b]−1}.
 * A length may be 0 (a sequence with no step in a window of a longer stream, see {@link #window}).
 */
public final class StepMask {

    private final int steps;
    private final int batch;
    private final int[] lengths;

    private StepMask(int steps, int batch, int[] lengths) {
        this.steps = steps;
        this.batch = batch;
        this.lengths = lengths;
    }

    /**
     * The mask of a batch of {@code batch} sequences padded to {@code steps}; {@code lengths == null} means every
     * sequence is {@code steps} long.
     *
     * @throws IllegalArgumentException if there are not {@code batch} lengths or one lies outside {@code 0..steps}
     */
    public static StepMask of(int steps, int batch, int[] lengths) {
        if (steps < 1 || batch < 1) {
            throw new IllegalArgumentException("step mask: need at least one step and one sequence, got T=" + steps + ", B=" + batch);
        }
        int[] copy = new int[batch];
        if (lengths == null) {
            java.util.Arrays.fill(copy, steps);
        } else {
            if (lengths.length != batch) {
                throw new IllegalArgumentException("step mask: " + lengths.length + " lengths for a batch of " + batch);
            }
            for (int b = 0; b < batch; b++) {
                if (lengths[b] < 0 || lengths[b] > steps) {
                    throw new IllegalArgumentException("step mask: length " + lengths[b] + " of sequence " + b + " is outside 0.." + steps);
                }
                copy[b] = lengths[b];
            }
        }
        return new StepMask(steps, batch, copy);
    }

    /**
     * The lengths of sequences of full length {@code lengths[b]} as seen by the window of steps
     * {@code [start, start + n)}: {@code clamp(lengths[b] − start, 0, n)}. Use it for the losses of one chunk of
     * truncated BPTT.
     */
    public static int[] window(int[] lengths, int start, int n) {
        if (start < 0 || n < 1) {
            throw new IllegalArgumentException("window: start must be ≥ 0 and n ≥ 1, got start=" + start + ", n=" + n);
        }
        int[] w = new int[lengths.length];
        for (int b = 0; b < lengths.length; b++) {
            w[b] = Math.max(0, Math.min(n, lengths[b] - start));
        }
        return w;
    }

    public int steps() {
        return steps;
    }

    public int batch() {
        return batch;
    }

    /** Whether sequence b is real at step t. */
    public boolean live(int t, int b) {
        return t < lengths[b];
    }

    /** The rows that are real at step t. */
    public boolean[] liveRows(int t) {
        boolean[] live = new boolean[batch];
        for (int b = 0; b < batch; b++) {
            live[b] = t < lengths[b];
        }
        return live;
    }

    /** Number of real rows at step t. */
    public int liveCount(int t) {
        int n = 0;
        for (int b = 0; b < batch; b++) {
            n += t < lengths[b] ? 1 : 0;
        }
        return n;
    }

    /** Total number of real steps, {@code Σ_b lengths[b]}. */
    public int realSteps() {
        int n = 0;
        for (int len : lengths) {
            n += len;
        }
        return n;
    }
}
