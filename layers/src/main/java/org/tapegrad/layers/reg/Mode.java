package org.tapegrad.layers.reg;

import java.util.Objects;
import java.util.Random;

/**
 * Training or evaluation, as PyTorch's {@code module.train()} / {@code module.eval()}: in training the regularizers
 * draw their masks from this mode's random source (so the same seed gives the same masks), in evaluation they are
 * deterministic (dropout is the identity, zoneout takes its expectation).
 */
public final class Mode {

    private static final Mode EVAL = new Mode(null);

    private final Random random;

    private Mode(Random random) {
        this.random = random;
    }

    /** Evaluation: no randomness. */
    public static Mode eval() {
        return EVAL;
    }

    /** Training with masks drawn from a new {@code Random(seed)}. */
    public static Mode training(long seed) {
        return new Mode(new Random(seed));
    }

    /**
     * Training with masks drawn from {@code random} (a {@link org.tapegrad.layers.random.ResumableRandom} makes a
     * training loop resumable).
     */
    public static Mode training(Random random) {
        return new Mode(Objects.requireNonNull(random, "random"));
    }

    public boolean isTraining() {
        return random != null;
    }

    /**
     * A {@code rows×cols} row-major mask whose elements are 1 with probability {@code keep} and 0 otherwise, drawn
     * row by row.
     *
     * @throws IllegalStateException in evaluation mode
     */
    public double[][] bernoulli(int rows, int cols, double keep) {
        if (random == null) {
            throw new IllegalStateException("Mode.bernoulli: evaluation mode draws no masks");
        }
        double[][] mask = new double[rows][cols];
        for (double[] row : mask) {
            for (int j = 0; j < cols; j++) {
                row[j] = random.nextDouble() < keep ? 1.0 : 0.0;
            }
        }
        return mask;
    }

    static double checkRate(String what, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(what + ": rate must be in [0, 1], got " + p);
        }
        return p;
    }

    @Override
    public String toString() {
        return isTraining() ? "training" : "eval";
    }
}
