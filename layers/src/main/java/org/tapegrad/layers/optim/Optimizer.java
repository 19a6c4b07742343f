package org.tapegrad.layers.optim;

import java.util.List;

import org.tapegrad.layers.HasParameters;
import org.tapegrad.tape.Parameter;

/**
 * Updates parameters from their accumulated gradients, through {@link Parameter#update}: reads the gradient,
 * writes the value, nothing else.
 *
 * <p>Contract shared by every implementation:
 * <ul>
 *   <li>The parameter list is passed to every {@link #step(List)} call; it need not be the same list each time.
 *       Per-parameter state (momentum buffers, moving averages, step counts) is keyed by the {@link Parameter}
 *       object itself, created lazily on the first step that sees it and reused afterwards, so a steady-state step
 *       allocates nothing.</li>
 *   <li>A parameter without a gradient buffer ({@link Parameter#hasGrad()} false) is skipped: no update, no state,
 *       its step count does not advance (as PyTorch does for {@code grad is None}).</li>
 *   <li>Optimizers <b>never zero gradients</b>. The training loop calls {@link Parameter#zeroGrad()} after the
 *       step (or before the next backward pass), which also makes gradient accumulation over micro-batches a
 *       choice of the loop.</li>
 *   <li>Not thread-safe: one optimizer belongs to one training loop.</li>
 * </ul>
 */
public interface Optimizer {

    /** Applies one update to every parameter of {@code parameters} that has a gradient. */
    void step(List<Parameter> parameters);

    /** Applies one update to every parameter of {@code model}. */
    default void step(HasParameters model) {
        step(model.parameters());
    }

    /** The current learning rate. */
    double learningRate();

    /** Changes the learning rate for the following steps (for schedules); must be finite and {@code > 0}. */
    void setLearningRate(double learningRate);

    /** Forgets all per-parameter state, as if the optimizer had just been built. */
    void reset();

    /**
     * Its state as data keyed by parameter name (a copy: later steps do not change it), to be saved with a checkpoint.
     * Optimizers extending {@link PerParameterOptimizer} get this from the base class.
     */
    OptimizerState state();

    /**
     * Replaces all state by {@code state} (and sets its learning rate), matching saved parameters to
     * {@code parameters} by name, so that the next step is the one that would have followed where the state was taken.
     *
     * @throws IllegalArgumentException if the state is of another optimizer, names a parameter not in the list, or a
     *         slot does not fit its parameter; nothing is changed then
     */
    void loadState(OptimizerState state, List<Parameter> parameters);
}
