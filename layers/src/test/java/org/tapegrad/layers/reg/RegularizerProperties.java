package org.tapegrad.layers.reg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.tapegrad.check.property.GradientProperties;
import org.tapegrad.check.property.Sizes;
import org.tapegrad.check.property.Subject;
import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.CellState;
import org.tapegrad.layers.cell.LstmCell;
import org.tapegrad.layers.cell.LstmState;
import org.tapegrad.layers.seq.Unroll;
import org.tapegrad.tape.Ops;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * Dropout, variational dropout, zoneout and layer norm: gradients against finite differences (a training-mode
 * wrapper is rebuilt from the same seed at each evaluation, so every evaluation sees the same masks), seeding,
 * train/eval behaviour, and that evaluation is deterministic.
 */
class RegularizerProperties {

    @Test
    void dropoutGradientIsTheMaskedGradient() {
        GradientProperties.forSubjects(z -> {
            Parameter x = random("x", z.batch(), z.hidden(), z.seed());
            return Subject.of(tape -> new Dropout(0.4).apply(tape.param(x), Mode.training(z.seed())), x);
        }).examples(30).check();
    }

    @Test
    void dropoutIsSeededScaledAndTheIdentityInEvaluation() {
        Tape tape = new Tape();
        Var x = tape.filled(200, 50, 1.0);
        Dropout dropout = new Dropout(0.3);
        assertSame(x, dropout.apply(x, Mode.eval()), "evaluation: the input itself");
        double[][] a = dropout.apply(x, Mode.training(7)).toArray();
        assertArrayEquals(a, dropout.apply(x, Mode.training(7)).toArray(), "same seed, same mask");
        assertFalse(java.util.Arrays.deepEquals(a, dropout.apply(x, Mode.training(8)).toArray()), "another seed, another mask");
        int dropped = 0;
        for (double[] row : a) {
            for (double v : row) {
                assertTrue(v == 0 || Math.abs(v - 1 / 0.7) < 1e-15, "0 or 1/(1−p): " + v);
                dropped += v == 0 ? 1 : 0;
            }
        }
        assertEquals(0.3, dropped / 10_000.0, 0.02, "fraction dropped");   // 4.6σ of a binomial(10⁴, 0.3)
        assertEquals(0.0, new Dropout(1).apply(x, Mode.training(1)).sum().item());
        assertThrows(IllegalArgumentException.class, () -> new Dropout(1.5));
    }

    @Test
    void variationalDropoutGradientsMatchFiniteDifferences() {
        GradientProperties.forSubjects(z -> unrolled(z, cell -> new VariationalDropout<>(cell, 0.3, 0.4, Mode.training(z.seed())))).examples(25).check();
    }

    @Test
    void variationalDropoutUsesOneMaskPerSequenceAndIsTheCellInEvaluation() {
        LstmCell lstm = new LstmCell("lstm", 6, 8, new Random(1));
        VariationalDropout<LstmState> train = new VariationalDropout<>(lstm, 0.5, 0.5, Mode.training(3));
        Tape tape = new Tape();
        List<Var> xs = steps(tape, 5, 4, 6, 2);
        List<MaskedState<LstmState>> states = Unroll.fromZero(train, tape, xs, new int[] {5, 2, 3, 5}).states();
        double[][] first = states.get(0).inputMask().toArray();
        for (MaskedState<LstmState> s : states) {
            assertArrayEquals(first, s.inputMask().toArray(), "the same input mask at every step");
        }
        VariationalDropout<LstmState> eval = new VariationalDropout<>(lstm, 0.5, 0.5, Mode.eval());
        double[][] plain = Unroll.fromZero(lstm, tape, xs, null).finalState().h().toArray();
        assertArrayEquals(plain, Unroll.fromZero(eval, tape, xs, null).finalState().output().toArray(), "evaluation = the cell");
        assertArrayEquals(plain, Unroll.fromZero(eval, tape, xs, null).finalState().output().toArray(), "deterministic");
    }

    @Test
    void zoneoutGradientsMatchFiniteDifferences() {
        GradientProperties.forSubjects(z -> unrolled(z, cell -> new Zoneout<>(cell, Mode.training(z.seed()), 0.3, 0.5))).examples(25).check();
        GradientProperties.forSubjects(z -> unrolled(z, cell -> new Zoneout<>(cell, Mode.eval(), 0.2))).examples(15).check();
    }

    @Test
    void zoneoutKeepsOrTakesEachUnitAndTakesItsExpectationInEvaluation() {
        LstmCell lstm = new LstmCell("lstm", 3, 4, new Random(2));
        Tape tape = new Tape();
        List<Var> xs = steps(tape, 1, 2, 3, 5);
        LstmState s0 = new LstmState(tape.filled(2, 4, 0.5), tape.filled(2, 4, -0.25));
        LstmState next = lstm.step(tape, xs.get(0), s0);
        double p = 0.3;
        LstmState eval = new Zoneout<>(lstm, Mode.eval(), p).step(tape, xs.get(0), s0);
        LstmState train = new Zoneout<>(lstm, Mode.training(4), p).step(tape, xs.get(0), s0);
        double[][] h = next.h().toArray();
        double[][] he = eval.h().toArray();
        double[][] ht = train.h().toArray();
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 4; j++) {
                assertEquals(p * 0.5 + (1 - p) * h[i][j], he[i][j], 1e-15, "expectation in evaluation");
                assertTrue(ht[i][j] == 0.5 || ht[i][j] == h[i][j], "training: kept or taken");
            }
        }
        assertArrayEquals(he, new Zoneout<>(lstm, Mode.eval(), p).step(tape, xs.get(0), s0).h().toArray(), "deterministic");
    }

    @Test
    void layerNormGradientsMatchFiniteDifferences() {
        GradientProperties.forSubjects(z -> {
            LayerNorm norm = new LayerNorm("ln", z.hidden() + 1);
            Parameter x = random("x", z.batch(), z.hidden() + 1, z.seed());
            norm.gain().assign(random("g", 1, z.hidden() + 1, z.seed() + 1).value());
            norm.bias().assign(random("b", 1, z.hidden() + 1, z.seed() + 2).value());
            return Subject.of(tape -> norm.apply(tape.param(x)), x, norm.gain(), norm.bias());
        }).examples(30).check();
    }

    @Test
    void layerNormRowsHaveMeanZeroAndUnitVarianceAndAConstantRowStaysFinite() {
        Tape tape = new Tape();
        Var x = tape.constant(new double[][] {{1, 2, 3, 10}, {5, 5, 5, 5}, {1e8, 1e8 + 1, 1e8 + 2, 1e8 + 3}});
        double[][] y = new LayerNorm("ln", 4).apply(x).toArray();
        double mean = (y[0][0] + y[0][1] + y[0][2] + y[0][3]) / 4;
        double variance = 0;
        for (double v : y[0]) {
            variance += (v - mean) * (v - mean) / 4;
        }
        assertEquals(0, mean, 1e-12);
        assertEquals(1, variance, 1e-5);                         // σ²/(σ² + ε)
        assertArrayEquals(new double[] {0, 0, 0, 0}, y[1], "a constant row: variance 0, output the bias");
        assertEquals(-1.3416, y[2][0], 1e-3, "rows of large values are centred before squaring");
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private static Subject unrolled(Sizes z, java.util.function.Function<LstmCell, Cell<? extends CellState>> wrap) {
        LstmCell lstm = new LstmCell("lstm", z.inputs(), z.hidden(), new Random(z.seed()));
        List<Parameter> xs = new ArrayList<>();
        for (int t = 0; t < z.steps(); t++) {
            xs.add(random("x" + t, z.batch(), z.inputs(), z.seed() + t));
        }
        List<Parameter> all = new ArrayList<>(lstm.parameters());
        all.addAll(xs);
        return new Subject(tape -> run(wrap.apply(lstm), tape, xs.stream().map(tape::param).toList()), all);
    }

    private static <S extends CellState> Var run(Cell<S> cell, Tape tape, List<Var> xs) {
        return Ops.concatColumns(Unroll.fromZero(cell, tape, xs, null).outputs().toArray(Var[]::new));
    }

    private static List<Var> steps(Tape tape, int steps, int batch, int inputs, long seed) {
        List<Var> xs = new ArrayList<>();
        for (int t = 0; t < steps; t++) {
            xs.add(tape.param(random("x" + t, batch, inputs, seed + t)));
        }
        return xs;
    }

    private static Parameter random(String name, int rows, int cols, long seed) {
        Random r = new Random(seed);
        double[][] v = new double[rows][cols];
        for (double[] row : v) {
            for (int j = 0; j < cols; j++) {
                row[j] = 2 * r.nextDouble() - 1;
            }
        }
        return Parameter.of(name, v);
    }
}
