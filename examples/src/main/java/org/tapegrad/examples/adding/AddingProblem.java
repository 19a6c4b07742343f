package org.tapegrad.examples.adding;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The adding problem of Hochreiter &amp; Schmidhuber (1997), in the variant of Le, Jaitly &amp; Hinton (2015) that most
 * later papers use:
 * <ul>
 *   <li>every step has two channels: a value drawn from U[0, 1] and a marker, 0 or 1;
 *   <li>exactly two steps are marked: one uniformly in the first half {@code [0, ⌊T/2⌋)}, one uniformly in the second
 *       half {@code [⌊T/2⌋, T)};
 *   <li>the target, read out after the last step, is the <b>sum</b> of the two marked values, in [0, 2].
 * </ul>
 * A model that ignores the input and always answers 1 (the mean) has an expected squared error of
 * {@code Var(U₁ + U₂) = 2/12 = 1/6 ≈ 0.167}: the baseline to beat. (The 1997 original used values in [−1, 1] and
 * target {@code 0.5 + (X₁ + X₂)/4}; its baseline is different, so we do not mix the two.) The first marked step is at
 * least {@code T/2} steps away from the end on average, so solving the task means carrying information that far.
 */
public final class AddingProblem {

    /** The expected squared error of always answering 1: {@code Var(U₁+U₂) = 1/6}. */
    public static final double BASELINE_MSE = 1.0 / 6.0;

    /** The constant answer of the baseline, the mean of the target. */
    public static final double BASELINE_ANSWER = 1.0;

    /**
     * A batch: {@code inputs.get(t)} is the {@code B×2} input of step t (value, marker); {@code targets} is {@code B×1}.
     */
    public record Batch(List<double[][]> inputs, double[][] targets) {

        public int length() {
            return inputs.size();
        }

        public int size() {
            return targets.length;
        }

        /** Mean squared error of always answering {@link #BASELINE_ANSWER} on this batch. */
        public double baselineMse() {
            double s = 0;
            for (double[] y : targets) {
                s += (y[0] - BASELINE_ANSWER) * (y[0] - BASELINE_ANSWER);
            }
            return s / targets.length;
        }
    }

    private AddingProblem() {
    }

    /**
     * Draws {@code batch} sequences of length {@code length} from {@code random}.
     *
     * @throws IllegalArgumentException if {@code length < 2} or {@code batch < 1}
     */
    public static Batch generate(int batch, int length, Random random) {
        if (length < 2) {
            throw new IllegalArgumentException("adding problem: sequence length must be at least 2, got " + length);
        }
        if (batch < 1) {
            throw new IllegalArgumentException("adding problem: batch size must be at least 1, got " + batch);
        }
        double[][][] steps = new double[length][batch][2];
        double[][] targets = new double[batch][1];
        int half = length / 2;
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < length; t++) {
                steps[t][b][0] = random.nextDouble();
            }
            int first = random.nextInt(half);
            int second = half + random.nextInt(length - half);
            steps[first][b][1] = 1;
            steps[second][b][1] = 1;
            targets[b][0] = steps[first][b][0] + steps[second][b][0];
        }
        List<double[][]> inputs = new ArrayList<>(length);
        for (double[][] s : steps) {
            inputs.add(s);
        }
        return new Batch(List.copyOf(inputs), targets);
    }
}
