package org.tapegrad.check.property;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;

import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * What one case of a {@link GradientProperties} run checks: a function recorded on a tape and the parameters whose
 * gradients are compared with central differences (weights, and inputs brought on as parameters).
 *
 * @param function builds the output on the given tape
 * @param parameters the inputs of the check
 */
public record Subject(Function<Tape, Var> function, List<Parameter> parameters) {

    public Subject {
        Objects.requireNonNull(function, "function");
        parameters = List.copyOf(parameters);
        if (parameters.isEmpty()) {
            throw new IllegalArgumentException("a gradient property needs at least one parameter to check");
        }
    }

    public static Subject of(Function<Tape, Var> function, Parameter... parameters) {
        return new Subject(function, List.of(parameters));
    }
}
