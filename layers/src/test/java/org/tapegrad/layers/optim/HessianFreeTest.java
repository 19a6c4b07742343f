package org.tapegrad.layers.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.tapegrad.layers.Linear;
import org.tapegrad.layers.cell.RnnCell;
import org.tapegrad.layers.seq.Unroll;
import org.tapegrad.layers.seq.Unrolled;
import org.tapegrad.tape.GaussNewton.Objective;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.ParameterVectors;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/** Truncated CG and the Hessian-free optimiser on problems whose answer is known. */
class HessianFreeTest {

    private static double[][] random(int rows, int cols, Random random) {
        double[][] m = new double[rows][cols];
        for (double[] row : m) {
            for (int j = 0; j < cols; j++) {
                row[j] = random.nextGaussian();
            }
        }
        return m;
    }

    @Test
    void conjugateGradientSolvesAnNDimensionalSystemInAtMostNProducts() {
        Random random = new Random(11);
        int n = 12;
        double[][] m = random(n, n, random);
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < n; k++) {
                    a[i][j] += m[k][i] * m[k][j];
                }
            }
            a[i][i] += 2.0;   // κ(A) in the tens: n steps suffice in floating point too, not only in exact arithmetic
        }
        double[] b = random(1, n, random)[0];
        int[] products = {0};
        ConjugateGradient cg = new ConjugateGradient(10 * n, 0, 1.3);
        ConjugateGradient.Result result = cg.solve(v -> {
            products[0]++;
            double[] av = new double[n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    av[i] += a[i][j] * v[j];
                }
            }
            return av;
        }, b, new double[n]);
        assertTrue(products[0] <= n, products[0] + " products for n = " + n);
        double[] x = result.solution();
        for (int i = 0; i < n; i++) {
            double ax = 0;
            for (int j = 0; j < n; j++) {
                ax += a[i][j] * x[j];
            }
            assertEquals(b[i], ax, 1e-8 * (1 + Math.abs(b[i])), "row " + i);
        }
        assertEquals(result.iterations().get(result.iterations().size() - 1), result.products());
    }

    @Test
    void oneUndampedStepSolvesALeastSquaresQuadraticWithinNCgIterations() {
        // f(W, b) = mean((x·W + b − y)²) is quadratic with G = H: one step of HF with λ = 0 lands on its minimum
        Random random = new Random(5);
        double[][] x = random(20, 4, random);
        double[][] y = random(20, 2, random);
        Parameter w = Parameter.of("W", random(4, 2, random));
        Parameter bias = Parameter.of("b", random(1, 2, random));
        List<Parameter> params = List.of(w, bias);
        int n = ParameterVectors.size(params);
        Function<Tape, Objective> f = t -> Objective.of(t.constant(x).matmul(t.param(w)).plus(t.param(bias)).squaredError(t.constant(y)).mean());
        HessianFree hf = new HessianFree(HessianFree.Settings.defaults().withInitialDamping(0)
                .withConjugateGradient(new ConjugateGradient(n, 0, 1.3)));
        HessianFree.StepReport report = hf.step(params, f, f);
        assertTrue(report.cgIterations() <= n, report.toString());
        assertEquals(1.0, report.stepSize(), report.toString());
        assertEquals(1.0, report.reductionRatio(), 1e-8, "an exact quadratic model: ρ = 1");
        // at the minimum the gradient vanishes
        Tape tape = new Tape();
        double[] g = ParameterVectors.flatten(tape.gradients(f.apply(tape).loss(), null), params);
        for (double gi : g) {
            assertEquals(0.0, gi, 1e-9);
        }
    }

    @Test
    void trainsASmallTanhRnnFarBelowWhereItStarts() {
        // remember the first input of a 6-step sequence: a long-range dependency in miniature
        Random random = new Random(3);
        RnnCell cell = new RnnCell("rnn", 1, 6, RnnCell.Activation.TANH, random);
        Linear readout = new Linear("out", 6, 1, true, random);
        List<Parameter> params = new ArrayList<>(cell.parameters());
        params.addAll(readout.parameters());
        List<double[][]> xs = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            xs.add(random(16, 1, random));
        }
        double[][] y = new double[16][1];
        for (int b = 0; b < 16; b++) {
            y[b][0] = 0.5 * xs.get(0)[b][0];
        }
        Function<Tape, Objective> f = t -> {
            List<Var> in = xs.stream().map(t::constant).toList();
            Unrolled<?> u = Unroll.run(cell, t, in, cell.initialState(t, 16));
            return new Objective(readout.apply(u.finalState().output()).squaredError(t.constant(y)).mean(), u.outputs());
        };
        HessianFree hf = new HessianFree(HessianFree.Settings.defaults());
        double first = Double.NaN;
        double last = Double.NaN;
        for (int step = 0; step < 25; step++) {
            HessianFree.StepReport r = hf.step(params, f, f);
            assertTrue(r.lossAfter() <= r.lossBefore(), "a step never increases f on its own batch: " + r);
            if (step == 0) {
                first = r.lossBefore();
            }
            last = r.lossAfter();
        }
        assertTrue(last < 0.05 * first, "HF took the loss from " + first + " to " + last);
    }

    @Test
    void badSettingsAreRefusedWithTheirName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HessianFree.Settings.defaults().withInitialDamping(-1));
        assertTrue(e.getMessage().contains("damping λ"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ConjugateGradient(0, 5e-4, 1.3));
    }
}
