package org.tapegrad.layers.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.tapegrad.layers.Theories.qt;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.tapegrad.check.GradientCheck;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * The three sequence losses against finite differences (with padding) and against the textbook formulas evaluated
 * by plain loops here: value {@code Σ ℓ / N}, gradient {@code softmax − onehot}, {@code σ(x) − y}, {@code 2(p − y)}
 * on real steps and exactly 0 on padded ones, whatever garbage (±∞, NaN) the padded steps hold.
 */
class SequenceLossProperties {

    enum Kind { CROSS_ENTROPY, BINARY_CROSS_ENTROPY, SQUARED_ERROR }

    /** T steps of B×K predictions; {@code lengths} has at least one non-zero entry. */
    record Case(Kind kind, Reduction reduction, int steps, int batch, int classes, int[] lengths, long seed) {

        double[][][] predictions() {
            Random r = new Random(seed);
            double[][][] p = new double[steps][batch][classes];
            for (double[][] step : p) {
                for (double[] row : step) {
                    for (int k = 0; k < classes; k++) {
                        row[k] = 2 * r.nextGaussian();
                    }
                }
            }
            return p;
        }

        int[][] classTargets() {
            Random r = new Random(seed + 1);
            int[][] y = new int[steps][batch];
            for (int[] step : y) {
                for (int b = 0; b < batch; b++) {
                    step[b] = r.nextInt(classes);
                }
            }
            return y;
        }

        double[][][] valueTargets() {
            Random r = new Random(seed + 2);
            double[][][] y = new double[steps][batch][classes];
            for (double[][] step : y) {
                for (double[] row : step) {
                    for (int k = 0; k < classes; k++) {
                        row[k] = kind == Kind.BINARY_CROSS_ENTROPY ? r.nextInt(2) : r.nextGaussian();
                    }
                }
            }
            return y;
        }

        boolean live(int t, int b) {
            return t < lengths[b];
        }

        int realSteps() {
            int n = 0;
            for (int len : lengths) {
                n += len;
            }
            return n;
        }

        @Override
        public String toString() {
            return "Case[" + kind + ", " + reduction + ", steps=" + steps + ", batch=" + batch + ", classes=" + classes
                    + ", lengths=" + java.util.Arrays.toString(lengths) + ", seed=" + seed + "]";
        }
    }

    /** T 1–4, B 1–3, K 1–4 (at least 2 for cross-entropy), per-row lengths 0–T not all 0, seed 0–1000. */
    static final Gen<Case> CASES = integers().between(1, 4)
            .zip(integers().between(1, 3), integers().between(1, 4), (t, b, k) -> new int[] {t, b, k})
            .flatMap(d -> arbitrary().enumValues(Kind.class).zip(arbitrary().enumValues(Reduction.class),
                    Generate.intArrays(Generate.constant(d[1]), integers().between(0, d[0]))
                            .assuming(l -> java.util.Arrays.stream(l).sum() > 0),
                    longs().between(0, 1000),
                    (kind, red, lengths, seed) -> new Case(kind, red, d[0], d[1],
                            kind == Kind.CROSS_ENTROPY ? Math.max(2, d[2]) : d[2], lengths, seed)));

    static Var lossOf(Tape tape, Case c, List<Var> predictions) {
        if (c.kind() == Kind.CROSS_ENTROPY) {
            return SequenceCrossEntropy.loss(predictions, c.classTargets(), c.lengths(), c.reduction());
        }
        List<Var> targets = new ArrayList<>();
        for (double[][] y : c.valueTargets()) {
            targets.add(tape.constant(y));
        }
        return c.kind() == Kind.BINARY_CROSS_ENTROPY
                ? SequenceBinaryCrossEntropy.loss(predictions, targets, c.lengths(), c.reduction())
                : SequenceSquaredError.loss(predictions, targets, c.lengths(), c.reduction());
    }

    static List<Parameter> parameters(double[][][] predictions) {
        List<Parameter> ps = new ArrayList<>();
        for (int t = 0; t < predictions.length; t++) {
            ps.add(Parameter.of("pred" + t, predictions[t]));
        }
        return ps;
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        qt(150).forAll(CASES).checkAssert(c -> {
            List<Parameter> ps = parameters(c.predictions());
            GradientCheck.of(tape -> lossOf(tape, c, ps.stream().map(tape::param).toList()), ps).tolerance(1e-6, 1e-6).assertPasses();
        });
    }

    @Test
    void valueAndGradientAreTheFormulaOnRealStepsAndZeroOnPaddedOnes() {
        qt(150).forAll(CASES).checkAssert(SequenceLossProperties::valueAndGradientAreTheFormulaOnRealStepsAndZeroOnPaddedOnes);
    }

    static void valueAndGradientAreTheFormulaOnRealStepsAndZeroOnPaddedOnes(Case c) {
        double[][][] predictions = c.predictions();
        double[][][] garbage = predictions.clone();
        double[] poison = c.kind() == Kind.CROSS_ENTROPY ? new double[] {1e300, -1e300, 7} : new double[] {Double.POSITIVE_INFINITY, Double.NaN, -1e300};
        for (int t = 0; t < c.steps(); t++) {
            garbage[t] = new double[c.batch()][];
            for (int b = 0; b < c.batch(); b++) {
                garbage[t][b] = predictions[t][b].clone();
                if (!c.live(t, b)) {
                    java.util.Arrays.fill(garbage[t][b], poison[(t + b) % poison.length]);
                }
            }
        }
        List<Parameter> ps = parameters(garbage);
        Tape tape = new Tape();
        Var loss = lossOf(tape, c, ps.stream().map(tape::param).toList());
        tape.backward(loss);

        double scale = c.reduction() == Reduction.SUM ? 1.0 : 1.0 / c.realSteps();
        double expectedLoss = 0;
        for (int t = 0; t < c.steps(); t++) {
            for (int b = 0; b < c.batch(); b++) {
                double[] x = predictions[t][b];
                double[] expectedGrad = new double[c.classes()];
                if (c.live(t, b)) {
                    expectedLoss += scale * term(c, t, b, x, expectedGrad);
                }
                for (int k = 0; k < c.classes(); k++) {
                    double g = ps.get(t).grad().get(b, k);
                    assertEquals(expectedGrad[k] * scale, g, 1e-12, "gradient at step " + t + ", row " + b + ", column " + k);
                }
            }
        }
        assertEquals(expectedLoss, loss.item(), 1e-10 * Math.max(1, Math.abs(expectedLoss)));
    }

    /** The loss term of one real step by its textbook formula; writes its gradient into {@code grad}. */
    private static double term(Case c, int t, int b, double[] x, double[] grad) {
        switch (c.kind()) {
            case CROSS_ENTROPY -> {
                int y = c.classTargets()[t][b];
                double max = java.util.Arrays.stream(x).max().orElseThrow();
                double z = 0;
                for (double v : x) {
                    z += Math.exp(v - max);
                }
                for (int k = 0; k < x.length; k++) {
                    grad[k] = Math.exp(x[k] - max) / z - (k == y ? 1 : 0);
                }
                return Math.log(z) + max - x[y];
            }
            case BINARY_CROSS_ENTROPY -> {
                double[] y = c.valueTargets()[t][b];
                double sum = 0;
                for (int k = 0; k < x.length; k++) {
                    double p = 1 / (1 + Math.exp(-x[k]));
                    sum -= y[k] * Math.log(p) + (1 - y[k]) * Math.log(1 - p);
                    grad[k] = p - y[k];
                }
                return sum;
            }
            default -> {
                double[] y = c.valueTargets()[t][b];
                double sum = 0;
                for (int k = 0; k < x.length; k++) {
                    sum += (x[k] - y[k]) * (x[k] - y[k]);
                    grad[k] = 2 * (x[k] - y[k]);
                }
                return sum;
            }
        }
    }
}
