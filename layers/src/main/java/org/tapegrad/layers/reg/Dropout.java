package org.tapegrad.layers.reg;

import org.tapegrad.tape.Var;

/**
 * Inverted dropout (Srivastava et al. 2014): in training, {@code y = x ⊙ m / (1 − p)} with {@code m} a fresh
 * Bernoulli(1 − p) mask per element; in evaluation {@code y = x}, so the expectation is the same in both modes and
 * evaluation needs no rescaling. Recorded as a product with a constant mask, so the VJP {@code x̄ += ȳ ⊙ m/(1−p)}
 * is the product's, reading the mask the product keeps as its input. {@code p = 1} gives zeros.
 */
public final class Dropout {

    private final double p;

    /** @param p the probability of dropping an element, in [0, 1] */
    public Dropout(double p) {
        this.p = Mode.checkRate("dropout", p);
    }

    public double rate() {
        return p;
    }

    /** {@code x} ({@code B×N}) with dropout applied in {@code mode}; in evaluation or with p = 0, {@code x} itself. */
    public Var apply(Var x, Mode mode) {
        if (!mode.isTraining() || p == 0) {
            return x;
        }
        return x.times(x.tape().constant(scaledMask(mode, x.rows(), x.cols(), p)));
    }

    /** A {@code rows×cols} mask of 0 and {@code 1/(1−p)} (all 0 when p = 1). */
    static double[][] scaledMask(Mode mode, int rows, int cols, double p) {
        double[][] mask = mode.bernoulli(rows, cols, 1 - p);
        double scale = p == 1 ? 0 : 1 / (1 - p);
        for (double[] row : mask) {
            for (int j = 0; j < cols; j++) {
                row[j] *= scale;
            }
        }
        return mask;
    }
}
