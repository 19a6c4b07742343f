package org.tapegrad.tape;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Thrown when an op is recorded with inputs whose shapes it cannot accept. The message names the op and every shape. */
public final class ShapeException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public ShapeException(String message) {
        super(message);
    }

    /**
     * Builds the standard message {@code "<op>: [a×b]·[c×d]: <what was expected>"}.
     *
     * @param op the op's name
     * @param why what was expected and not found, e.g. {@code "inner dimensions 64 ≠ 128"}
     * @param shapes the input shapes, in order
     */
    public static ShapeException of(String op, String why, Shape... shapes) {
        String joined = Arrays.stream(shapes).map(Shape::toString).collect(Collectors.joining(", "));
        return new ShapeException(op + ": " + joined + ": " + why);
    }
}
