package org.tapegrad.layers.optim;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.tapegrad.check.property.CurvatureProperties;
import org.tapegrad.check.property.CurvatureProperties.CurvatureSubject;
import org.tapegrad.check.property.Sizes;
import org.tapegrad.layers.Linear;
import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.CellState;
import org.tapegrad.layers.cell.GruCell;
import org.tapegrad.layers.cell.LstmCell;
import org.tapegrad.layers.cell.RnnCell;
import org.tapegrad.layers.seq.Unroll;
import org.tapegrad.layers.seq.Unrolled;
import org.tapegrad.tape.GaussNewton;
import org.tapegrad.tape.GaussNewton.Objective;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * {@code H·v} against differences of gradients and {@code G} symmetric PSD (with structural damping) for the
 * built-in recurrent cells, unrolled with padding, under a per-step softmax cross-entropy and a final squared error.
 */
class CellCurvatureTest {

    private static CurvatureSubject subject(Sizes s, Function<Random, Cell<?>> factory) {
        Random random = new Random(s.seed());
        Cell<?> cell = factory.apply(random);
        Linear readout = new Linear("out", cell.hiddenSize(), 3, true, random);
        List<Parameter> params = new ArrayList<>(cell.parameters());
        params.addAll(readout.parameters());
        List<double[][]> xs = new ArrayList<>();
        List<int[]> classes = new ArrayList<>();
        for (int t = 0; t < s.steps(); t++) {
            double[][] x = new double[s.batch()][cell.inputSize()];
            int[] c = new int[s.batch()];
            for (int b = 0; b < s.batch(); b++) {
                for (int j = 0; j < x[b].length; j++) {
                    x[b][j] = 2 * random.nextDouble() - 1;
                }
                c[b] = random.nextInt(3);
            }
            xs.add(x);
            classes.add(c);
        }
        int[] lengths = new int[s.batch()];
        for (int b = 0; b < lengths.length; b++) {
            lengths[b] = 1 + random.nextInt(s.steps());
        }
        double[][] target = new double[s.batch()][3];
        for (double[] row : target) {
            for (int j = 0; j < 3; j++) {
                row[j] = 2 * random.nextDouble() - 1;
            }
        }
        return new CurvatureSubject(tape -> objective(cell, readout, tape, xs, classes, lengths, target), params);
    }

    private static <S extends CellState> Objective objective(Cell<S> cell, Linear readout, Tape tape, List<double[][]> xs, List<int[]> classes,
            int[] lengths, double[][] target) {
        List<Var> in = xs.stream().map(tape::constant).toList();
        Unrolled<S> u = Unroll.run(cell, tape, in, cell.initialState(tape, xs.get(0).length), lengths);
        Var loss = null;
        for (int t = 0; t < in.size(); t++) {
            int[] c = classes.get(t).clone();
            for (int b = 0; b < c.length; b++) {
                if (t >= lengths[b]) {
                    c[b] = -1;   // padding takes no part
                }
            }
            Var step = readout.apply(u.outputs().get(t)).crossEntropy(c).sum();
            loss = loss == null ? step : loss.plus(step);
        }
        Var last = readout.apply(u.finalState().output());
        loss = loss.plus(last.squaredError(tape.constant(target)).mean());
        return new Objective(loss, u.outputs());
    }

    private static CurvatureProperties properties(Function<Random, Cell<?>> factory) {
        return CurvatureProperties.forSubjects(s -> subject(s, factory)).sizes(3, 3, 2, 3).examples(6);
    }

    private static final Function<Random, Cell<?>> RNN = r -> new RnnCell("rnn", 2, 3, RnnCell.Activation.TANH, r);
    private static final Function<Random, Cell<?>> LSTM = r -> new LstmCell("lstm", 2, 3, r);
    private static final Function<Random, Cell<?>> GRU = r -> new GruCell("gru", 2, 3, GruCell.Variant.values()[0], r);

    @Test
    void rnnHessianVectors() {
        properties(RNN).hessianVectorsMatchGradientDifferences();
    }

    @Test
    void lstmHessianVectors() {
        properties(LSTM).hessianVectorsMatchGradientDifferences();
    }

    @Test
    void gruHessianVectors() {
        properties(GRU).hessianVectorsMatchGradientDifferences();
    }

    @Test
    void rnnGaussNewton() {
        properties(RNN).gaussNewtonIsSymmetricPositiveSemidefinite();
    }

    @Test
    void lstmGaussNewton() {
        properties(LSTM).gaussNewtonIsSymmetricPositiveSemidefinite();
    }

    @Test
    void gruGaussNewton() {
        properties(GRU).gaussNewtonIsSymmetricPositiveSemidefinite();
    }

    /** H·v and G·v on float32 parameters and tapes agree with float64 at the same (float-rounded) point. */
    @Test
    void float32CurvatureProductsMatchFloat64() {
        for (Function<Random, Cell<?>> factory : List.of(RNN, LSTM, GRU)) {
            for (long seed = 1; seed <= 3; seed++) {
                org.tapegrad.check.property.CurvatureProperties.CurvatureSubject s = subject(new Sizes(3, 3, 2, 3, seed), factory);
                List<Parameter> params = s.parameters();
                for (Parameter p : params) {   // the float64 point is the float32 one, so only precision differs
                    p.to(org.tapegrad.op.DType.F32);
                    p.to(org.tapegrad.op.DType.F64);
                }
                int n = params.stream().mapToInt(Parameter::size).sum();
                double[] v = new double[n];
                Random r = new Random(seed);
                for (int i = 0; i < n; i++) {
                    v[i] = (float) (2 * r.nextDouble() - 1);
                }
                double[] g64 = GaussNewton.withStates(s.objective(), params).product(v);
                double[] h64 = org.tapegrad.tape.Curvature.hessianVector(t -> s.objective().apply(t).loss(), params, v);
                for (Parameter p : params) {
                    p.to(org.tapegrad.op.DType.F32);
                }
                double[] g32 = GaussNewton.withStates(s.objective(), params).product(v);
                double[] h32 = org.tapegrad.tape.Curvature.hessianVector(new Tape(org.tapegrad.op.DType.F32),
                        t -> s.objective().apply(t).loss(), params, v);
                assertClose("G·v", g64, g32);
                assertClose("H·v", h64, h32);
            }
        }
    }

    private static void assertClose(String what, double[] expected, double[] actual) {
        double scale = 0;
        for (double e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int i = 0; i < expected.length; i++) {
            org.junit.jupiter.api.Assertions.assertEquals(expected[i], actual[i], 1e-4 * Math.max(scale, 1e-6),
                    what + " element " + i + ": float32 differs from float64");
        }
    }
}
