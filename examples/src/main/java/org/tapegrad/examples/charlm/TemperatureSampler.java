package org.tapegrad.examples.charlm;

import java.util.Random;

/**
 * Draws a class from logits softened or sharpened by a temperature τ: {@code p ∝ exp(logit / τ)}. τ = 1 samples the
 * model's own distribution, τ → 0 approaches the most likely class, τ &gt; 1 flattens towards uniform.
 */
public final class TemperatureSampler {

    private final double temperature;
    private final Random random;

    /**
     * @throws IllegalArgumentException if the temperature is not a positive finite number
     */
    public TemperatureSampler(double temperature, Random random) {
        if (!(temperature > 0) || !Double.isFinite(temperature)) {
            throw new IllegalArgumentException("temperature must be a positive number, got " + temperature);
        }
        this.temperature = temperature;
        this.random = random;
    }

    /** The probabilities {@code softmax(logits / τ)}, computed after subtracting the maximum (no overflow). */
    public double[] probabilities(double[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (double l : logits) {
            max = Math.max(max, l);
        }
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            p[i] = Math.exp((logits[i] - max) / temperature);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /** One draw from {@link #probabilities(double[])}. */
    public int sample(double[] logits) {
        double[] p = probabilities(logits);
        double u = random.nextDouble();
        double c = 0;
        for (int i = 0; i < p.length; i++) {
            c += p[i];
            if (u < c) {
                return i;
            }
        }
        return p.length - 1; // rounding left u just above the cumulative sum
    }
}
