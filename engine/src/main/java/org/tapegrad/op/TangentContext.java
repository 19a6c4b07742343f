package org.tapegrad.op;

/**
 * What a tangent rule ({@link Op#tangent}) sees of one recorded application: its inputs, its output, the inputs'
 * tangents, and a way to record further ops. {@code V} is the recorder's handle for a value (the tape's {@code Var});
 * the op package never names it, so a tangent rule is written with ops alone and is as differentiable, and as
 * element-type independent, as those ops are.
 *
 * @param <V> a recorded value
 */
public interface TangentContext<V> {

    /** Number of inputs. */
    int arity();

    /** Input {@code i} as a recorded value. */
    V input(int i);

    /** The op's output as a recorded value. */
    V output();

    /** The tangent of input {@code i}, or null when it is zero (a constant, or a value the seeds do not reach). */
    V tangent(int i);

    /** The shape of a recorded value. */
    Shape shape(V value);

    /** Records {@code op} on {@code inputs} and returns its output. */
    V apply(Op<?> op, V... inputs);

    /** A constant of zeros. */
    V zeros(Shape shape);

    /** A constant of this shape holding {@code columnMajor} (element (i, j) at {@code i + j·rows}); copied. */
    V constant(Shape shape, double[] columnMajor);
}
