package org.tapegrad.check.property;

/**
 * The random dimensions one case of a {@link GradientProperties} run is built with, and a seed for whatever the
 * subject draws at random itself (initial weights, inputs). All shrink towards their lower bounds.
 *
 * @param batch rows of each input
 * @param steps time steps (or any repetition count the subject uses)
 * @param inputs input features
 * @param hidden hidden units
 * @param seed for the subject's own random draws
 */
public record Sizes(int batch, int steps, int inputs, int hidden, long seed) {

    @Override
    public String toString() {
        return "batch=" + batch + ", steps=" + steps + ", inputs=" + inputs + ", hidden=" + hidden + ", seed=" + seed;
    }
}
