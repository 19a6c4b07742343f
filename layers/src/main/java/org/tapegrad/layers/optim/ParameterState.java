package org.tapegrad.layers.optim;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

import org.tapegrad.tape.Parameter;

/**
 * Per-parameter optimizer state, keyed by the {@link Parameter} object (identity, not name), created lazily the
 * first time a parameter is stepped. Lookups allocate nothing.
 *
 * @param <S> the state of one parameter
 */
final class ParameterState<S> {

    private final Map<Parameter, S> states = new IdentityHashMap<>();
    private final IntFunction<S> factory;

    /** @param factory builds the state of a parameter with the given number of elements */
    ParameterState(IntFunction<S> factory) {
        this.factory = factory;
    }

    S of(Parameter parameter) {
        S state = states.get(parameter);
        if (state == null) {
            state = factory.apply(parameter.size());
            states.put(parameter, state);
        }
        return state;
    }

    void clear() {
        states.clear();
    }

    /** Throws when the list or one of its elements is null, naming the index. */
    static void requireParameters(String optimizer, List<Parameter> parameters) {
        if (parameters == null) {
            throw new NullPointerException(optimizer + ": parameter list is null");
        }
        for (int i = 0, n = parameters.size(); i < n; i++) {
            if (parameters.get(i) == null) {
                throw new NullPointerException(optimizer + ": parameter " + i + " of the list is null");
            }
        }
    }
}
