package org.tapegrad.op;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Thrown when an op is recorded with inputs whose shapes it cannot accept. The message names the op and every shape. */
public final class ShapeException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public ShapeException(String message) {
        super(message);
    }

    /**
     * Builds the standard message {@code "<op>: [a×b], [c×d]: <what was expected>"}.
     *
     * @param op the op's name
     * @param why what was expected and not found, e.g. {@code "inner dimensions 64 ≠ 128"}
     * @param shapes the input shapes, in order
     */
    public static ShapeException of(String op, String why, Shape... shapes) {
        String joined = Arrays.stream(shapes).map(Shape::toString).collect(Collectors.joining(", "));
        return new ShapeException(op + ": " + joined + ": " + why);
    }

    /**
     * Throws when {@code shape} holds more elements than one array can: {@code "<what>: [65536×65536] has 4294967296
     * elements; at most 2147483647 fit in one value"}.
     *
     * @param what the op (with its input shapes) or the parameter the shape belongs to
     */
    public static Shape requireFits(String what, Shape shape) {
        if (!shape.fitsInOneArray()) {
            throw new ShapeException(what + ": " + shape + " has " + shape.elements() + " elements; at most "
                    + Shape.MAX_ELEMENTS + " fit in one value");
        }
        return shape;
    }
}
