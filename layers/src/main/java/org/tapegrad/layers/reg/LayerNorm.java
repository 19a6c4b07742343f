package org.tapegrad.layers.reg;

import java.util.List;

import org.tapegrad.layers.HasParameters;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Var;

/**
 * Layer normalization (Ba, Kiros &amp; Hinton 2016), per row of a {@code B×N} value:
 * {@code y = g ⊙ (x − μ) / √(σ² + ε) + b} with {@code μ}, {@code σ²} the mean and variance of the row's N features.
 * Composed of engine ops; the variance is the mean of squared deviations, so it cannot go negative, and
 * {@code 1/√(σ² + ε)} is {@code exp(−½·log(σ² + ε))} of a positive number. Gain {@code g} starts at 1, bias {@code b}
 * at 0 (both {@code 1×N}).
 */
public final class LayerNorm implements HasParameters {

    private final Parameter gain;
    private final Parameter bias;
    private final double epsilon;

    /** Normalizes {@code features} columns with {@code ε = 1e-5} (PyTorch's default). */
    public LayerNorm(String name, int features) {
        this(name, features, 1e-5);
    }

    public LayerNorm(String name, int features, double epsilon) {
        if (features < 1) {
            throw new IllegalArgumentException(name + ": layer norm needs at least one feature, got " + features);
        }
        if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException(name + ": layer norm epsilon must be positive and finite, got " + epsilon);
        }
        this.gain = new Parameter(name + ".gain", 1, features);
        this.bias = new Parameter(name + ".bias", 1, features);
        double[][] ones = new double[1][features];
        java.util.Arrays.fill(ones[0], 1.0);
        gain.assign(ones);
        this.epsilon = epsilon;
    }

    /** Gain {@code g}, {@code 1×N}. */
    public Parameter gain() {
        return gain;
    }

    /** Bias {@code b}, {@code 1×N}. */
    public Parameter bias() {
        return bias;
    }

    /** {@code x} ({@code B×N}) normalized per row. */
    public Var apply(Var x) {
        if (x.cols() != gain.shape().cols()) {
            throw new IllegalArgumentException("layer norm " + gain.name() + ": input is " + x.shape() + ", expected B×" + gain.shape().cols());
        }
        Var centered = x.minus(x.meanRows());                            // x − μ, μ broadcast as a column
        Var variance = centered.times(centered).meanRows();              // ≥ 0 by construction
        Var inverseStd = variance.plus(epsilon).log().times(-0.5).exp(); // (σ² + ε)^(−½)
        return centered.times(inverseStd).times(x.tape().param(gain)).plus(x.tape().param(bias));
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(gain, bias);
    }
}
