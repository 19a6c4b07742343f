package org.tapegrad.layers.loss;

/**
 * How a sequence loss turns per-step terms into one scalar. A <em>real step</em> is a pair (t, b) with
 * {@code t < lengths[b]} (and, for cross-entropy, a target other than {@code -1}); the term of a real step is the
 * loss of that one prediction summed over its outputs (its K bits, or its K regression targets; cross-entropy has
 * one term per step). Padded steps contribute exactly nothing, in value and in gradient.
 */
public enum Reduction {

    /** {@code L = Σ_{real (t,b)} ℓ(t, b)}: the total, e.g. the negative log-likelihood of the whole batch. */
    SUM,

    /**
     * {@code L = (1/N) Σ_{real (t,b)} ℓ(t, b)} with N the number of real steps: the loss per time step. For
     * binary cross-entropy over K pitches this is the music benchmark's "NLL per time step summed over pitches"; for
     * K = 1 squared error it is the ordinary mean squared error.
     */
    MEAN_PER_STEP
}
