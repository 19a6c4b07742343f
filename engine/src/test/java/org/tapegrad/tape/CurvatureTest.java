package org.tapegrad.tape;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.tapegrad.check.property.CurvatureProperties;
import org.tapegrad.check.property.CurvatureProperties.CurvatureSubject;
import org.tapegrad.check.property.Sizes;

/** Hessian-vector and Gauss-Newton products on compositions of the built-in ops and losses. */
class CurvatureTest {

    private static Parameter random(String name, int rows, int cols, Random random, double scale) {
        double[][] v = new double[rows][cols];
        for (double[] row : v) {
            for (int j = 0; j < cols; j++) {
                row[j] = scale * (2 * random.nextDouble() - 1);
            }
        }
        return Parameter.of(name, v);
    }

    private static double[][] constant(int rows, int cols, Random random, double lo, double hi) {
        double[][] v = new double[rows][cols];
        for (double[] row : v) {
            for (int j = 0; j < cols; j++) {
                row[j] = lo + (hi - lo) * random.nextDouble();
            }
        }
        return v;
    }

    /**
     * A small recurrent net with every loss kind: {@code h_t = tanh(x_t·W + h_{t−1}·U + b)}, a gated state
     * {@code c_t = σ(h_t·G)⊙c_{t−1} + (1 − σ(h_t·G))⊙relu-free h_t}, read out by softmax cross-entropy (one row
     * ignored), binary cross-entropy with a mask and squared error, mixed by constant weights.
     */
    private static CurvatureSubject network(Sizes s) {
        Random random = new Random(s.seed());
        int b = s.batch() + 1;
        int h = s.hidden() + 1;
        Parameter w = random("W", s.inputs(), h, random, 0.8);
        Parameter u = random("U", h, h, random, 0.8);
        Parameter bias = random("b", 1, h, random, 0.3);
        Parameter gate = random("G", h, h, random, 0.8);
        Parameter out = random("V", h, 3, random, 0.8);
        List<double[][]> xs = new ArrayList<>();
        for (int t = 0; t < s.steps(); t++) {
            xs.add(constant(b, s.inputs(), random, -1, 1));
        }
        int[] classes = new int[b];
        for (int i = 0; i < b; i++) {
            classes[i] = i == b - 1 && b > 1 ? -1 : random.nextInt(3);
        }
        double[][] bits = constant(b, 3, random, 0.05, 0.95);
        double[][] mask = constant(b, 1, random, 0, 1);
        double[][] target = constant(b, 3, random, -1, 1);
        return new CurvatureSubject(tape -> {
            Var state = tape.filled(b, h, 0.0);
            Var cell = tape.filled(b, h, 0.0);
            List<Var> states = new ArrayList<>();
            for (double[][] x : xs) {
                state = Ops.affine(tape.param(bias), tape.constant(x), tape.param(w), state, tape.param(u)).tanh();
                Var g = state.matmul(tape.param(gate)).sigmoid();
                cell = Ops.productSum(g, cell, g.oneMinus(), state);
                states.add(state);
                states.add(cell);
            }
            Var z = cell.matmul(tape.param(out));
            Var loss = z.crossEntropy(classes).mean()
                    .plus(z.binaryCrossEntropy(tape.constant(bits)).times(tape.constant(mask)).sum().times(0.5))
                    .plus(z.squaredError(tape.constant(target)).meanColumns().sum());
            return new GaussNewton.Objective(loss, states);
        }, List.of(w, u, bias, gate, out));
    }

    @Test
    void hessianVectorsOfARecurrentNetMatchDifferencesOfGradients() {
        CurvatureProperties.forSubjects(CurvatureTest::network).examples(8).hessianVectorsMatchGradientDifferences();
    }

    @Test
    void gaussNewtonOfEveryLossIsSymmetricPositiveSemidefinite() {
        CurvatureProperties.forSubjects(CurvatureTest::network).examples(8).gaussNewtonIsSymmetricPositiveSemidefinite();
    }

    @Test
    void gaussNewtonEqualsTheHessianForALinearModelWithSquaredError() {
        Random random = new Random(7);
        Parameter w = random("W", 4, 3, random, 1);
        Parameter b = random("b", 1, 3, random, 1);
        double[][] x = constant(5, 4, random, -1, 1);
        double[][] y = constant(5, 3, random, -1, 1);
        List<Parameter> params = List.of(w, b);
        java.util.function.Function<Tape, Var> loss = t -> t.constant(x).matmul(t.param(w)).plus(t.param(b)).squaredError(t.constant(y)).mean();
        GaussNewton g = GaussNewton.of(loss, params);
        for (int k = 0; k < 3; k++) {
            double[] v = new double[ParameterVectors.size(params)];
            for (int i = 0; i < v.length; i++) {
                v[i] = random.nextGaussian();
            }
            assertArrayEquals(Curvature.hessianVector(loss, params, v), g.product(v), 1e-12);
        }
    }

    @Test
    void hessianOfAQuadraticIsItsMatrix() {
        // f(θ) = ½ θᵀAθ with A = MᵀM + I: H·v = A·v exactly
        Random random = new Random(3);
        double[][] m = constant(4, 4, random, -1, 1);
        Parameter theta = random("θ", 4, 1, random, 1);
        double[][] a = new double[4][4];
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                for (int k = 0; k < 4; k++) {
                    a[i][j] += m[k][i] * m[k][j];
                }
            }
            a[i][i] += 1;
        }
        double[] v = {0.3, -1.2, 0.7, 2.0};
        double[] hv = Curvature.hessianVector(t -> {
            Var th = t.param(theta);
            return th.matmulAT(t.constant(a).matmul(th)).times(0.5);
        }, List.of(theta), v);
        for (int i = 0; i < 4; i++) {
            double expected = 0;
            for (int j = 0; j < 4; j++) {
                expected += a[i][j] * v[j];
            }
            assertTrue(Math.abs(hv[i] - expected) < 1e-12, "H·v[" + i + "] = " + hv[i] + ", A·v = " + expected);
        }
    }

    @Test
    void gaussNewtonRefusesWhatItWouldGetWrong() {
        Parameter w = Parameter.of("W", new double[][] {{0.5, -0.2}});
        double[][] y = {{1.0, 0.0}};
        List<Parameter> params = List.of(w);
        IllegalArgumentException squared = assertThrows(IllegalArgumentException.class,
                () -> GaussNewton.of(t -> { Var l = t.param(w).squaredError(t.constant(y)).sum(); return l.times(l); }, params));
        assertTrue(squared.getMessage().contains("not linear"), squared.getMessage());
        IllegalArgumentException regularized = assertThrows(IllegalArgumentException.class,
                () -> GaussNewton.of(t -> t.param(w).squaredError(t.constant(y)).sum().plus(t.param(w).times(t.param(w)).sum()), params));
        assertTrue(regularized.getMessage().contains("not a built-in loss"), regularized.getMessage());
        IllegalArgumentException target = assertThrows(IllegalArgumentException.class,
                () -> GaussNewton.of(t -> t.constant(y).squaredError(t.param(w)).sum(), params));
        assertTrue(target.getMessage().contains("target"), target.getMessage());
        IllegalArgumentException length = assertThrows(IllegalArgumentException.class,
                () -> Curvature.hessianVector(t -> t.param(w).sum(), params, new double[3]));
        assertTrue(length.getMessage().contains("3 elements"), length.getMessage());
    }
}
