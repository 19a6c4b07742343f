package org.tapegrad.layers.optim;

import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

import org.tapegrad.tape.Parameter;

/** A parameter's shape, its initial values and the gradients of several consecutive steps (flat, same order). */
record Scenario(int rows, int cols, double[] initial, List<double[]> gradients) {

    static Arbitrary<Scenario> arbitrary() {
        Arbitrary<Integer> dims = Arbitraries.integers().between(1, 3);
        return Combinators.combine(dims, dims, Arbitraries.integers().between(1, 5)).flatAs((r, c, steps) -> {
            Arbitrary<double[]> values = Arbitraries.doubles().between(-3, 3).array(double[].class).ofSize(r * c);
            return Combinators.combine(values, values.list().ofSize(steps))
                    .as((initial, grads) -> new Scenario(r, c, initial, grads));
        });
    }

    Parameter parameter() {
        Parameter p = new Parameter("w", rows, cols);
        System.arraycopy(initial, 0, p.value().data, 0, initial.length);
        return p;
    }

    /** Runs the optimizer over all steps and returns the final flat values. */
    double[] run(Optimizer optimizer) {
        Parameter p = parameter();
        for (double[] g : gradients) {
            System.arraycopy(g, 0, p.grad().data, 0, g.length);
            optimizer.step(List.of(p));
            p.zeroGrad();
        }
        return p.value().data.clone();
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
