package org.tapegrad.layers.seq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import org.tapegrad.layers.SequenceModel;
import org.tapegrad.layers.SequenceModel.Kind;
import org.tapegrad.tape.Layout;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * A padded batch computes exactly what its sequences compute alone. Two comparisons:
 * <ul>
 *   <li>the same batch with different, arbitrary padding values (up to ±100): real-step outputs, loss and every
 *       parameter gradient are bit-identical (0 tolerance): the arithmetic of the real rows is the same operations in
 *       the same order, and padded rows contribute exact zeros;
 *   <li>each sequence run alone (batch of 1, only its real steps), the per-sequence losses summed: agreement to
 *       1e-12 (relative to max(1, |value|)), because weight gradients {@code Xᵀ·Ȳ} sum over the batch rows inside one
 *       matmul in the batch but across separate matmuls alone, a different summation order.
 * </ul>
 */
class VariableLengthProperties {

    static final double ALONE_TOLERANCE = 1e-12;

    record Run(List<double[][]> outputs, double loss, List<double[]> grads) {
    }

    record Case(Kind kind, int batch, int input, int hidden, int steps, long seed) {
    }

    static final Gen<Case> CASES = in -> new Case(arbitrary().enumValues(Kind.class).generate(in),
            integers().between(1, 4).generate(in), integers().between(1, 5).generate(in),
            integers().between(1, 5).generate(in), integers().between(1, 8).generate(in), longs().all().generate(in));

    @Test
    void paddingChangesNothing() {
        qt(50).forAll(CASES).checkAssert(c -> paddingChangesNothing(c.kind(), c.batch(), c.input(), c.hidden(), c.steps(), c.seed()));
    }

    static void paddingChangesNothing(Kind kind, int batch, int input, int hidden, int steps, long seed) {
        SequenceModel model = SequenceModel.of(kind, input, hidden, seed);
        Random r = new Random(seed + 1);
        double[][][] xs = SequenceModel.randomSteps(r, steps, batch, input, 1.0);
        int[] lengths = new int[batch];
        for (int b = 0; b < batch; b++) {
            lengths[b] = 1 + r.nextInt(steps);
        }
        int[][] targets = SequenceModel.randomTargets(r, steps, batch, lengths);

        Run padded = run(model, pad(xs, lengths, r), targets, lengths);
        Run repadded = run(model, pad(xs, lengths, r), targets, lengths);
        assertEquals(padded.loss(), repadded.loss(), 0.0, "loss");
        for (int t = 0; t < steps; t++) {
            for (int b = 0; b < batch; b++) {
                if (t < lengths[b]) {
                    assertArrayEquals(padded.outputs().get(t)[b], repadded.outputs().get(t)[b], 0.0, "output of sequence " + b + " at step " + t);
                }
            }
        }
        for (int k = 0; k < padded.grads().size(); k++) {
            assertArrayEquals(padded.grads().get(k), repadded.grads().get(k), 0.0, "gradient of " + model.parameters().get(k).name());
        }

        double loss = 0;
        List<double[]> grads = zeros(model.parameters());
        for (int b = 0; b < batch; b++) {
            double[][][] alone = new double[lengths[b]][][];
            int[][] aloneTargets = new int[lengths[b]][];
            for (int t = 0; t < lengths[b]; t++) {
                alone[t] = new double[][] {xs[t][b]};
                aloneTargets[t] = new int[] {targets[t][b]};
            }
            Run single = run(model, alone, aloneTargets, null);
            loss += single.loss();
            for (int t = 0; t < lengths[b]; t++) {
                assertClose(padded.outputs().get(t)[b], single.outputs().get(t)[0], "output of sequence " + b + " alone at step " + t);
            }
            for (int k = 0; k < grads.size(); k++) {
                double[] g = grads.get(k);
                for (int i = 0; i < g.length; i++) {
                    g[i] += single.grads().get(k)[i];
                }
            }
        }
        assertClose(new double[] {padded.loss()}, new double[] {loss}, "loss summed over sequences alone");
        for (int k = 0; k < grads.size(); k++) {
            assertClose(padded.grads().get(k), grads.get(k), "gradient of " + model.parameters().get(k).name() + " summed over sequences alone");
        }
    }

    /** A copy of {@code xs} whose padded entries ({@code t ≥ lengths[b]}) hold arbitrary values in [−100, 100]. */
    static double[][][] pad(double[][][] xs, int[] lengths, Random r) {
        double[][][] out = new double[xs.length][][];
        for (int t = 0; t < xs.length; t++) {
            out[t] = new double[xs[t].length][];
            for (int b = 0; b < xs[t].length; b++) {
                out[t][b] = xs[t][b].clone();
                if (t >= lengths[b]) {
                    for (int j = 0; j < out[t][b].length; j++) {
                        out[t][b][j] = 200 * r.nextDouble() - 100;
                    }
                }
            }
        }
        return out;
    }

    static Run run(SequenceModel model, double[][][] xs, int[][] targets, int[] lengths) {
        for (Parameter p : model.parameters()) {
            p.zeroGrad();
        }
        Tape tape = new Tape();
        List<Var> steps = new ArrayList<>();
        for (double[][] x : xs) {
            steps.add(tape.constant(x));
        }
        List<Var> hs = model.outputs(tape, steps, lengths);
        Var loss = null;
        for (int t = 0; t < hs.size(); t++) {
            Var term = model.head.apply(hs.get(t)).crossEntropy(targets[t]).sum();
            loss = loss == null ? term : loss.plus(term);
        }
        tape.backward(loss);
        List<double[][]> outputs = new ArrayList<>();
        for (Var h : hs) {
            outputs.add(h.toArray());
        }
        Run result = new Run(outputs, loss.item(), zeros(model.parameters()));
        for (int k = 0; k < result.grads().size(); k++) {
            result.grads().set(k, Layout.toRowMajorFlat(model.parameters().get(k).grad()));
        }
        tape.reset();
        return result;
    }

    static List<double[]> zeros(List<Parameter> parameters) {
        List<double[]> z = new ArrayList<>();
        for (Parameter p : parameters) {
            z.add(new double[p.size()]);
        }
        return z;
    }

    static void assertClose(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            double allowed = ALONE_TOLERANCE * Math.max(1, Math.abs(expected[i]));
            assertEquals(expected[i], actual[i], allowed, what + " [" + i + "]");
        }
    }
}
