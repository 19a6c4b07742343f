package org.tapegrad.check.property;

import java.util.List;
import java.util.Objects;

import org.quicktheories.core.Gen;
import org.tapegrad.op.Shape;
import org.tapegrad.tape.Var;

/**
 * One row of an op table: how to draw inputs for an op and how to record it, so that one property
 * ({@link OpProperties#gradientsMatchFiniteDifferences}) checks its VJP against central differences.
 *
 * @param name the row's name in reports
 * @param shapes the input shapes for random dimensions {@code m, k, n}
 * @param domains the values of each input (one generator per input, e.g. positive for {@code log})
 * @param recorder records the op on its inputs, reading any configuration (indices, a mask) from {@code choices}
 * @param absoluteTolerance and
 * @param relativeTolerance of the gradient check
 */
public record OpSpec(String name, ShapeRule shapes, List<Gen<Double>> domains, Recorder recorder,
        double absoluteTolerance, double relativeTolerance) {

    /** Input shapes from the three random dimensions of a case. */
    @FunctionalInterface
    public interface ShapeRule {
        Shape[] inputs(int m, int k, int n);
    }

    /** Records the op under test. */
    @FunctionalInterface
    public interface Recorder {
        /**
         * @param inputs the inputs as leaves, in the order of {@link OpSpec#domains()}
         * @param choices random non-negative ints for the op's configuration; they shrink towards 0
         */
        Var record(Var[] inputs, int[] choices);
    }

    public OpSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(shapes, "shapes");
        Objects.requireNonNull(recorder, "recorder");
        domains = List.copyOf(domains);
        if (domains.isEmpty()) {
            throw new IllegalArgumentException(name + ": an op row needs at least one input");
        }
    }

    /** A row with the default tolerances (1e-6, 1e-5). */
    public static OpSpec of(String name, ShapeRule shapes, List<Gen<Double>> domains, Recorder recorder) {
        return new OpSpec(name, shapes, domains, recorder, 1e-6, 1e-5);
    }

    /** This row with other tolerances. */
    public OpSpec tolerance(double absolute, double relative) {
        return new OpSpec(name, shapes, domains, recorder, absolute, relative);
    }

    /** Every input {@code m×n}. */
    public static ShapeRule same(int arity) {
        return (m, k, n) -> {
            Shape[] s = new Shape[arity];
            java.util.Arrays.fill(s, new Shape(m, n));
            return s;
        };
    }
}
