package org.tapegrad.fuse;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.ojalgo.matrix.store.MatrixStore;
import org.quicktheories.core.Gen;
import org.tapegrad.check.property.Theories;
import org.tapegrad.kernel.Kernels;
import org.tapegrad.op.DType;
import org.tapegrad.op.Shape;
import org.tapegrad.tape.Gradients;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * Fused = unfused, for random cells (not only LSTM): over T steps, the states and the gradients of the loss with respect
 * to every parameter, every input and the initial state agree within rounding, on float64 and on float32 tapes. QuickTheories shrinks a failing
 * case to the shortest program and the smallest sizes.
 */
class FusedStepProperties {

    record Case(int batch, int input, int hidden, int parts, int steps, int seed, List<RandomCell.Instruction> program) {
    }

    static Gen<Case> cases() {
        Gen<RandomCell.Instruction> instruction = integers().between(0, RandomCell.OPS - 1)
                .zip(integers().between(0, 20), integers().between(0, 20), RandomCell.Instruction::new);
        Gen<int[]> sizes = integers().between(1, 3).zip(integers().between(1, 3), integers().between(1, 3),
                integers().between(1, 3), (b, i, h, p) -> new int[] {b, i, h, p});
        return sizes.zip(integers().between(1, 3), integers().between(0, 1000), lists().of(instruction).ofSizeBetween(0, 10),
                (s, t, seed, program) -> new Case(s[0], s[1], s[2], s[3], t, seed, program));
    }

    @Test
    void fusedRandomCellsMatchTheUnfusedTape() {
        Theories.check(2026, 200, cases(), c -> {
            RandomCell cell = new RandomCell(c.input(), c.hidden(), c.program(), new Random(c.seed()));
            List<Shape> state = new ArrayList<>();
            for (int k = 0; k < c.parts(); k++) {
                state.add(Shape.of(c.batch(), c.hidden()));
            }
            FusedStep fused;
            try {
                fused = FusedStep.compile("random", cell, cell.parameters(), Shape.of(c.batch(), c.input()), state);
            } catch (NotFusableException e) {
                throw new AssertionError("every op of the random cells is fusable: " + e.getMessage(), e);
            }
            Random values = new Random(c.seed() + 1);
            double[][][] xs = new double[c.steps()][][];
            for (int t = 0; t < c.steps(); t++) {
                xs[t] = random(c.batch(), c.input(), values);
            }
            double[][][] s0 = new double[c.parts()][][];
            for (int k = 0; k < c.parts(); k++) {
                s0[k] = random(c.batch(), c.hidden(), values);
            }
            double[][][] readout = new double[c.steps() * c.parts()][][];
            for (int k = 0; k < readout.length; k++) {
                readout[k] = random(c.batch(), c.hidden(), values);
            }
            for (DType dtype : List.of(DType.F64, DType.F32)) {
                cell.parameters().forEach(p -> p.to(dtype));
                // float64: equal within 1e-12 (only the order of additions differs); float32: within float rounding
                double tolerance = dtype == DType.F64 ? 1e-12 : 1e-4;
                Run plain = run(dtype, cell, null, cell.parameters(), xs, s0, readout);
                Run viaFusion = run(dtype, cell, fused, cell.parameters(), xs, s0, readout);
                assertClose(dtype + " loss", plain.loss, viaFusion.loss, tolerance);
                for (int k = 0; k < plain.grads.size(); k++) {
                    assertClose(dtype + " gradient " + plain.names.get(k) + " in " + fused.describe(), plain.grads.get(k), viaFusion.grads.get(k),
                            tolerance);
                }
            }
        });
    }

    /** What one unroll gives: the loss and the gradients in the order of {@code names}. */
    record Run(double[][] loss, List<String> names, List<double[][]> grads) {
    }

    private static Run run(DType dtype, StepFunction cell, FusedStep fused, List<Parameter> parameters, double[][][] xs, double[][][] s0,
            double[][][] readout) {
        return run(Kernels.defaults(), dtype, cell, fused, parameters, xs, s0, readout);
    }

    /** T steps of {@code cell} ({@code fused} when not null) on a tape of {@code kernels}, and the gradients of a random readout. */
    static Run run(Kernels kernels, DType dtype, StepFunction cell, FusedStep fused, List<Parameter> parameters, double[][][] xs,
            double[][][] s0, double[][][] readout) {
        Tape tape = new Tape(kernels, dtype);
        List<Var> inputs = new ArrayList<>();
        for (double[][] x : xs) {
            inputs.add(tape.variable(x));
        }
        List<Var> initial = new ArrayList<>();
        for (double[][] s : s0) {
            initial.add(tape.variable(s));
        }
        List<Var> state = initial;
        Var loss = null;
        int r = 0;
        for (Var x : inputs) {
            state = fused == null ? cell.step(tape, x, state) : fused.apply(tape, x, state);
            for (Var part : state) {
                Var term = part.times(tape.constant(readout[r++])).sum();
                loss = loss == null ? term : loss.plus(term);
            }
        }
        List<String> names = new ArrayList<>();
        List<double[][]> grads = new ArrayList<>();
        if (!loss.requiresGrad()) {
            return new Run(loss.toArray(), names, grads);
        }
        Gradients g = tape.gradients(loss, null);
        for (Parameter p : parameters) {
            names.add(p.name());
            grads.add(rows(g.of(p)));
        }
        for (int t = 0; t < inputs.size(); t++) {
            names.add("x" + t);
            grads.add(rows(g.of(inputs.get(t))));
        }
        for (int k = 0; k < initial.size(); k++) {
            names.add("s0[" + k + "]");
            grads.add(rows(g.of(initial.get(k))));
        }
        return new Run(loss.toArray(), names, grads);
    }

    private static double[][] rows(MatrixStore<Double> m) {
        double[][] a = new double[(int) m.countRows()][(int) m.countColumns()];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                a[i][j] = m.doubleValue(i, j);
            }
        }
        return a;
    }

    static double[][] random(int rows, int cols, Random random) {
        double[][] a = new double[rows][cols];
        for (double[] row : a) {
            for (int j = 0; j < cols; j++) {
                row[j] = 2 * random.nextDouble() - 1;
            }
        }
        return a;
    }

    /** Equal within rounding: 1e-12 relative to the largest magnitude, the sums' order being the only difference. */
    static void assertClose(String what, double[][] expected, double[][] actual) {
        assertClose(what, expected, actual, 1e-12);
    }

    /** Equal within {@code tolerance} relative to the largest magnitude (at least 1). */
    static void assertClose(String what, double[][] expected, double[][] actual, double tolerance) {
        double scale = 1;
        for (double[] row : expected) {
            for (double v : row) {
                scale = Math.max(scale, Math.abs(v));
            }
        }
        for (int i = 0; i < expected.length; i++) {
            for (int j = 0; j < expected[i].length; j++) {
                int row = i;
                int col = j;
                assertTrue(Math.abs(actual[i][j] - expected[i][j]) <= tolerance * scale,
                        () -> what + " (" + row + ", " + col + "): fused " + actual[row][col] + ", unfused " + expected[row][col]);
            }
        }
    }
}
