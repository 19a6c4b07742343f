package org.tapegrad.fuse;

import java.util.List;

import org.tapegrad.tape.Parameter;

/** What one input of a fused step is bound to at every step: the step's x, a state part, a parameter, or weights side by side. */
sealed interface Binding {

    /** The step's input x. */
    record Input() implements Binding {
    }

    /** Part {@code index} of the state coming in. */
    record StatePart(int index) implements Binding {
    }

    /** A parameter's leaf. */
    record Param(Parameter parameter) implements Binding {
    }

    /** {@code [p₁ | p₂ | …]}, recorded once per recording with {@code concatColumns}, whose VJP splits the gradient back. */
    record SideBySide(List<Parameter> parameters) implements Binding {
    }
}
