package org.tapegrad.examples.dogs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.tapegrad.check.GradientCheck;
import org.tapegrad.tape.Layout;
import org.tapegrad.tape.Parameter;

/** The "dogs" toy against docs/theory.md §4, an independent column-convention forward pass, and finite differences. */
class DogsToyTest {

    @Test
    void firstStepShowsTheNumbersOfTheory() {
        DogsToy.Step first = new DogsToy().forwardBackward().get(0);
        assertArrayEquals(new double[] {0.65, 0.55, 0.71}, round2(first.hidden()));
        assertArrayEquals(new double[] {0.36, 0.19, 0.27, 0.18}, round2(first.prediction()));
    }

    @Test
    void everyStepAndTheTotalLossMatchTheColumnConventionFormulas() {
        List<DogsToy.Step> steps = new DogsToy().forwardBackward();
        double[] h = new double[3];
        double total = 0;
        for (int t = 0; t < 3; t++) {
            double[] x = DogsToy.oneHot("dog".charAt(t));
            h = sigmoid(add(mul(DogsToy.W_HH, h), mul(DogsToy.W_XH, x)));
            double[] y = softmax(mul(DogsToy.W_HY, h));
            int target = "dogs".indexOf("ogs".charAt(t));
            assertArrayEquals(h, steps.get(t).hidden(), 1e-12, "h_" + (t + 1));
            assertArrayEquals(y, steps.get(t).prediction(), 1e-12, "ŷ_" + (t + 1));
            assertEquals(-Math.log(y[target]), steps.get(t).loss(), 1e-12, "L_" + (t + 1));
            total += -Math.log(y[target]);
        }
        assertEquals(total, steps.stream().mapToDouble(DogsToy.Step::loss).sum(), 1e-12);
        // No character reads 's', so its column of W_xh gets no gradient; a sanity check on the shapes' orientation.
        DogsToy toy = new DogsToy();
        toy.forwardBackward();
        for (int i = 0; i < 3; i++) {
            assertEquals(0.0, toy.wxh().grad().get(i, 3));
        }
    }

    @Test
    void bpttGradientsAgreeWithFiniteDifferences() {
        DogsToy toy = new DogsToy();
        List<Parameter> params = toy.parameters();
        GradientCheck.of(tape -> toy.forward(tape).totalLoss(), params).tolerance(1e-8, 1e-6).assertPasses();
    }

    @Test
    void gradientsAgreeWithFiniteDifferencesOfTheIndependentForwardPass() {
        // Ties the printed gradients to THEORY's column-convention loss, not only to the tape's own forward pass.
        DogsToy toy = new DogsToy();
        toy.forwardBackward();
        double[][][] ws = {copy(DogsToy.W_HH), copy(DogsToy.W_XH), copy(DogsToy.W_HY)};
        double step = 1e-6;
        for (int k = 0; k < 3; k++) {
            Parameter p = toy.parameters().get(k);
            for (int i = 0; i < ws[k].length; i++) {
                for (int j = 0; j < ws[k][i].length; j++) {
                    double w = ws[k][i][j];
                    ws[k][i][j] = w + step;
                    double plus = columnLoss(ws[0], ws[1], ws[2]);
                    ws[k][i][j] = w - step;
                    double minus = columnLoss(ws[0], ws[1], ws[2]);
                    ws[k][i][j] = w;
                    assertEquals((plus - minus) / (2 * step), p.grad().get(i, j), 1e-8, p.name() + "(" + i + "," + j + ")");
                }
            }
        }
    }

    @Test
    void sgdStepMovesEachWeightAgainstItsGradient() {
        DogsToy toy = new DogsToy();
        toy.forwardBackward();
        double lr = 0.1;
        double[][][] before = {DogsToy.W_HH, DogsToy.W_XH, DogsToy.W_HY};
        double lossBefore = columnLoss(DogsToy.W_HH, DogsToy.W_XH, DogsToy.W_HY);
        toy.sgdStep(lr);
        for (int k = 0; k < 3; k++) {
            Parameter p = toy.parameters().get(k);
            for (int i = 0; i < before[k].length; i++) {
                for (int j = 0; j < before[k][i].length; j++) {
                    assertEquals(before[k][i][j] - lr * p.grad().get(i, j), p.value().get(i, j), 1e-15);
                }
            }
        }
        double lossAfter = columnLoss(Layout.toRowMajor(toy.whh().value()), Layout.toRowMajor(toy.wxh().value()), Layout.toRowMajor(toy.why().value()));
        assertEquals(true, lossAfter < lossBefore, "one small SGD step lowers the loss: " + lossBefore + " → " + lossAfter);
    }

    // ---- docs/theory.md §4 in its own column convention, plain Java --------------------------------------------------

    private static double columnLoss(double[][] whh, double[][] wxh, double[][] why) {
        double[] h = new double[3];
        double loss = 0;
        for (int t = 0; t < 3; t++) {
            h = sigmoid(add(mul(whh, h), mul(wxh, DogsToy.oneHot("dog".charAt(t)))));
            loss -= Math.log(softmax(mul(why, h))["dogs".indexOf("ogs".charAt(t))]);
        }
        return loss;
    }

    private static double[] mul(double[][] m, double[] v) {
        double[] r = new double[m.length];
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < v.length; j++) {
                r[i] += m[i][j] * v[j];
            }
        }
        return r;
    }

    private static double[] add(double[] a, double[] b) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i] + b[i];
        }
        return r;
    }

    private static double[] sigmoid(double[] z) {
        double[] r = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            r[i] = 1 / (1 + Math.exp(-z[i]));
        }
        return r;
    }

    private static double[] softmax(double[] z) {
        double sum = 0;
        double[] r = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            r[i] = Math.exp(z[i]);
            sum += r[i];
        }
        for (int i = 0; i < z.length; i++) {
            r[i] /= sum;
        }
        return r;
    }

    private static double[][] copy(double[][] m) {
        double[][] c = new double[m.length][];
        for (int i = 0; i < m.length; i++) {
            c[i] = m[i].clone();
        }
        return c;
    }

    private static double[] round2(double[] v) {
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = Math.round(v[i] * 100) / 100.0;
        }
        return r;
    }
}
