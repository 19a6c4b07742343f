package org.tapegrad.layers.optim;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.tapegrad.tape.Parameter;

/**
 * The base of every built-in optimizer, public so that a user's optimizer gets the same loop, learning rate and
 * saveable state: a subclass says how to build one parameter's state, how to update one parameter, and how its state
 * maps to {@link SlotValues} and back. State is kept per {@link Parameter} object, created on the first step that
 * sees a parameter, and reused, so a steady-state step allocates nothing.
 *
 * <p>A minimal momentum optimizer:
 * <pre>{@code
 * final class Momentum extends PerParameterOptimizer<double[]> {
 *     Momentum(double lr) { super("Momentum", lr); }
 *     protected double[] newState(int size) { return new double[size]; }
 *     protected void update(double[] theta, double[] grad, double[] v) {
 *         for (int i = 0; i < theta.length; i++) { v[i] = 0.9 * v[i] + grad[i]; theta[i] -= learningRate() * v[i]; }
 *     }
 *     protected SlotValues exportState(double[] v) { return SlotValues.of(0, "velocity", v.clone()); }
 *     protected double[] importState(int size, SlotValues saved) { double[] v = new double[size]; saved.copyInto("velocity", v); return v; }
 * }
 * }</pre>
 *
 * @param <S> the state of one parameter
 */
public abstract class PerParameterOptimizer<S> implements Optimizer {

    private final String name;
    private double learningRate;
    private final Map<Parameter, Slot<S>> slots = new IdentityHashMap<>();
    private final Parameter.Update stateless = (theta, grad) -> update(theta, grad, null);

    /** One parameter's state and its update closure, built once so stepping allocates nothing. */
    private static final class Slot<S> {
        final S state;
        final Parameter.Update step;

        Slot(S state, PerParameterOptimizer<S> owner) {
            this.state = state;
            this.step = (theta, grad) -> owner.update(theta, grad, state);
        }
    }

    /**
     * @param name         names the optimizer in messages and in saved state
     * @param learningRate finite and {@code > 0}
     */
    protected PerParameterOptimizer(String name, double learningRate) {
        this.name = name;
        this.learningRate = HyperParameters.positive(name, "learningRate", learningRate);
    }

    /** A fresh state for a parameter of {@code size} elements. */
    protected abstract S newState(int size);

    /**
     * One step of one parameter: reads {@code grad}, writes {@code theta}, both in the parameter's storage order.
     * {@code state} is null when {@link #keepsState()} is false.
     */
    protected abstract void update(double[] theta, double[] grad, S state);

    /** The state as named arrays and its step count (copies: the result must not change with later steps). */
    protected abstract SlotValues exportState(S state);

    /**
     * A state rebuilt from saved slots.
     *
     * @throws IllegalArgumentException naming the slot if one is missing or of the wrong length
     */
    protected abstract S importState(int size, SlotValues saved);

    /** Whether {@link #update} needs per-parameter state; when false it receives null and none is kept. */
    protected boolean keepsState() {
        return true;
    }

    @Override
    public final void step(List<Parameter> parameters) {
        requireParameters(parameters);
        for (int k = 0, n = parameters.size(); k < n; k++) {
            Parameter p = parameters.get(k);
            if (p.hasGrad()) {
                p.update(keepsState() ? slot(p).step : stateless);
            }
        }
    }

    private Slot<S> slot(Parameter p) {
        Slot<S> slot = slots.get(p);
        if (slot == null) {
            slot = new Slot<>(newState(p.size()), this);
            slots.put(p, slot);
        }
        return slot;
    }

    @Override
    public final OptimizerState state() {
        Map<String, SlotValues> saved = new LinkedHashMap<>();
        slots.forEach((p, slot) -> {
            if (saved.put(p.name(), exportState(slot.state)) != null) {
                throw new IllegalStateException(name + ": two stepped parameters are named '" + p.name()
                        + "'; state keyed by name needs unique names");
            }
        });
        return new OptimizerState(name, learningRate, saved);
    }

    @Override
    public final void loadState(OptimizerState state, List<Parameter> parameters) {
        requireParameters(parameters);
        if (!state.optimizer().equals(name)) {
            throw new IllegalArgumentException(name + ": cannot load the state of a " + state.optimizer() + " optimizer");
        }
        Map<String, Parameter> byName = new LinkedHashMap<>();
        for (Parameter p : parameters) {
            if (byName.put(p.name(), p) != null) {
                throw new IllegalArgumentException(name + ": two parameters are named '" + p.name() + "'");
            }
        }
        List<String> unknown = new ArrayList<>();
        for (String saved : state.parameters().keySet()) {
            if (!byName.containsKey(saved)) {
                unknown.add("'" + saved + "'");
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(name + ": the saved state has parameters " + String.join(", ", unknown)
                    + " that are not among " + byName.keySet());
        }
        // Rebuild everything first, so a bad slot leaves this optimizer as it was.
        Map<Parameter, Slot<S>> rebuilt = new IdentityHashMap<>();
        state.parameters().forEach((paramName, values) -> {
            Parameter p = byName.get(paramName);
            S s;
            try {
                s = importState(p.size(), values);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + ": parameter '" + paramName + "': " + e.getMessage(), e);
            }
            rebuilt.put(p, new Slot<>(s, this));
        });
        slots.clear();
        slots.putAll(rebuilt);
        learningRate = state.learningRate();
    }

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
        slots.clear();
    }

    private void requireParameters(List<Parameter> parameters) {
        if (parameters == null) {
            throw new NullPointerException(name + ": parameter list is null");
        }
        for (int i = 0, n = parameters.size(); i < n; i++) {
            if (parameters.get(i) == null) {
                throw new NullPointerException(name + ": parameter " + i + " of the list is null");
            }
        }
    }
}
