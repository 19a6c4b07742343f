package org.tapegrad.layers.optim;

import java.util.List;
import java.util.function.IntFunction;

import org.tapegrad.tape.Parameter;

/**
 * What the built-in optimizers share: the loop over the parameters that have a gradient, the learning rate, and the
 * per-parameter state of {@link ParameterState}. A subclass supplies the update of one parameter.
 *
 * @param <S> the state of one parameter
 */
abstract class PerParameterOptimizer<S> implements Optimizer {

    private final String name;
    private double learningRate;
    /** Per parameter, its step as a {@link Parameter.Update} over its state: built once, so stepping allocates nothing. */
    private final ParameterState<Parameter.Update> steps;
    private final Parameter.Update stateless = (theta, grad) -> update(theta, grad, null);

    /** @param newState builds the state of a parameter with the given number of elements */
    PerParameterOptimizer(String name, double learningRate, IntFunction<S> newState) {
        this.name = name;
        this.learningRate = HyperParameters.positive(name, "learningRate", learningRate);
        this.steps = new ParameterState<>(size -> {
            S state = newState.apply(size);
            return (theta, grad) -> update(theta, grad, state);
        });
    }

    @Override
    public final void step(List<Parameter> parameters) {
        ParameterState.requireParameters(name, parameters);
        for (int k = 0, n = parameters.size(); k < n; k++) {
            Parameter p = parameters.get(k);
            if (p.hasGrad()) {
                p.update(keepsState() ? steps.of(p) : stateless);
            }
        }
    }

    /** Whether {@link #update} needs per-parameter state; when false it receives null and none is kept. */
    boolean keepsState() {
        return true;
    }

    /** One step of one parameter: reads {@code grad}, writes {@code theta}, both in the parameter's storage order. */
    abstract void update(double[] theta, double[] grad, S state);

    @Override
    public final double learningRate() {
        return learningRate;
    }

    @Override
    public final void setLearningRate(double learningRate) {
        this.learningRate = HyperParameters.positive(name, "learningRate", learningRate);
    }

    @Override
    public final void reset() {
        steps.clear();
    }
}
