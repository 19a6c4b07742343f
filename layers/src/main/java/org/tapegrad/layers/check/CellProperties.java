package org.tapegrad.layers.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.function.Function;

import org.tapegrad.check.GradientCheck;
import org.tapegrad.check.property.GradientProperties;
import org.tapegrad.check.property.Sizes;
import org.tapegrad.check.property.Subject;
import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.CellState;
import org.tapegrad.layers.seq.Unroll;
import org.tapegrad.tape.Ops;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * The gradient property of a recurrent cell, the user's own or a built-in one: for random batch sizes, sequence
 * lengths, input and hidden sizes, the BPTT gradients of the unrolled cell — with respect to every parameter and every
 * input — match central differences, also with per-sequence lengths (padding). A failure is shrunk to the smallest
 * sizes that still fail. Needs {@code org.quicktheories:quicktheories} on the test class path.
 *
 * <pre>{@code
 * CellProperties.forCell(sizes -> new MyCell(sizes.inputs(), sizes.hidden(), new Random(sizes.seed())))
 *     .batch(1, 4).steps(1, 6)
 *     .check();
 * }</pre>
 *
 * The checked output is every step's output side by side, {@code [h₁ | … | h_T]}, contracted with a random cotangent.
 */
public final class CellProperties {

    private final Function<Sizes, ? extends Cell<?>> cells;
    private final GradientProperties properties;
    private boolean variableLengths = true;

    private CellProperties(Function<Sizes, ? extends Cell<?>> cells) {
        this.cells = Objects.requireNonNull(cells, "cells");
        this.properties = GradientProperties.forSubjects(this::subject).batch(1, 3).steps(1, 4).inputs(1, 3).hidden(1, 3).examples(30);
    }

    /** A property of the cells {@code factory} builds for random sizes (use {@link Sizes#seed()} for their weights). */
    public static CellProperties forCell(Function<Sizes, ? extends Cell<?>> factory) {
        return new CellProperties(factory);
    }

    /** Range of the batch size (default 1..3). */
    public CellProperties batch(int min, int max) {
        properties.batch(min, max);
        return this;
    }

    /** Range of the number of time steps (default 1..4). */
    public CellProperties steps(int min, int max) {
        properties.steps(min, max);
        return this;
    }

    /** Range of the input size (default 1..3). */
    public CellProperties inputs(int min, int max) {
        properties.inputs(min, max);
        return this;
    }

    /** Range of the hidden size (default 1..3). */
    public CellProperties hidden(int min, int max) {
        properties.hidden(min, max);
        return this;
    }

    /** Number of cases (default 30). */
    public CellProperties examples(int n) {
        properties.examples(n);
        return this;
    }

    /** Seed of the cases (default fixed); {@code -DQT_SEED=…} overrides it. */
    public CellProperties seed(long seed) {
        properties.seed(seed);
        return this;
    }

    /** Tolerances of each case's gradient check (defaults 1e-6, 1e-5). */
    public CellProperties tolerance(double absolute, double relative) {
        properties.tolerance(absolute, relative);
        return this;
    }

    /** How each case probes the numeric gradient (default full: every element). */
    public CellProperties mode(GradientCheck.Mode mode) {
        properties.mode(mode);
        return this;
    }

    /** Whether sequences of one batch get random lengths (padding), default true. */
    public CellProperties variableLengths(boolean on) {
        variableLengths = on;
        return this;
    }

    /**
     * Runs every case.
     *
     * @throws AssertionError with the smallest failing sizes, the gradient check's report and the seed
     */
    public void check() {
        properties.check();
    }

    /**
     * Runs every case in float32 instead: the float32 tape's outputs and gradients match the float64 tape's on the
     * same weights and inputs within {@code relativeTolerance} (~1e-4).
     *
     * @throws AssertionError with the smallest failing sizes, the worst difference and the seed
     */
    public void checkFloat32(double relativeTolerance) {
        properties.checkFloat32(relativeTolerance);
    }

    private Subject subject(Sizes sizes) {
        Cell<?> cell = cells.apply(sizes);
        if (cell.inputSize() != sizes.inputs() || cell.hiddenSize() != sizes.hidden()) {
            throw new IllegalArgumentException("cell properties: the factory built a cell of input " + cell.inputSize() + ", hidden "
                    + cell.hiddenSize() + " for sizes " + sizes);
        }
        Random random = new Random(sizes.seed() ^ 0x5DEECE66DL);
        List<Parameter> inputs = new ArrayList<>();
        for (int t = 0; t < sizes.steps(); t++) {
            double[][] x = new double[sizes.batch()][sizes.inputs()];
            for (double[] row : x) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = 2 * random.nextDouble() - 1;
                }
            }
            inputs.add(Parameter.of("x" + (t + 1), x));
        }
        int[] lengths = null;
        if (variableLengths) {
            lengths = new int[sizes.batch()];
            for (int b = 0; b < lengths.length; b++) {
                lengths[b] = 1 + random.nextInt(sizes.steps());
            }
        }
        int[] finalLengths = lengths;
        List<Parameter> checked = new ArrayList<>(cell.parameters());
        checked.addAll(inputs);
        return new Subject(tape -> outputs(cell, tape, inputs, finalLengths), checked);
    }

    private static <S extends CellState> Var outputs(Cell<S> cell, Tape tape, List<Parameter> inputs, int[] lengths) {
        List<Var> xs = inputs.stream().map(tape::param).toList();
        List<Var> hs = Unroll.fromZero(cell, tape, xs, lengths).outputs();
        return Ops.concatColumns(hs.toArray(Var[]::new));
    }
}
