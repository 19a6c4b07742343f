package org.tapegrad.layers.optim;

import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.tapegrad.layers.Theories.decimals;
import static org.tapegrad.layers.Theories.doubleArrays;

import java.util.List;

import org.quicktheories.core.Gen;
import org.tapegrad.tape.Parameter;

/** A parameter's shape, its initial values and the gradients of several consecutive steps (flat, same order). */
record Scenario(int rows, int cols, double[] initial, List<double[]> gradients) {

    /** 1–3 × 1–3 parameters, 1–5 steps, values and gradients in [−3, 3] (two decimals). */
    static Gen<Scenario> gen() {
        Gen<Integer> dims = integers().between(1, 3);
        Gen<Integer> stepCounts = integers().between(1, 5);
        Gen<Scenario> gen = in -> {
            int r = dims.generate(in);
            int c = dims.generate(in);
            int steps = stepCounts.generate(in);
            Gen<double[]> values = doubleArrays(decimals(-3, 3, 2), r * c);
            return new Scenario(r, c, values.generate(in), lists().of(values).ofSize(steps).generate(in));
        };
        return gen.describedAs(Scenario::toString);
    }

    Parameter parameter() {
        Parameter p = new Parameter("w", rows, cols);
        p.update((value, grad) -> System.arraycopy(initial, 0, value, 0, initial.length));
        return p;
    }

    /** Runs the optimizer over all steps and returns the final flat values. */
    double[] run(Optimizer optimizer) {
        Parameter p = parameter();
        for (double[] g : gradients) {
            p.updateGrad(grad -> System.arraycopy(g, 0, grad, 0, g.length));
            optimizer.step(List.of(p));
            p.zeroGrad();
        }
        double[][] values = new double[1][];
        p.readValue(value -> values[0] = value.clone());
        return values[0];
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(rows + "x" + cols + " init=" + java.util.Arrays.toString(initial));
        for (double[] g : gradients) {
            s.append(" g=").append(java.util.Arrays.toString(g));
        }
        return s.toString();
    }
}
