package org.tapegrad.layers.cell;

import static org.tapegrad.layers.Theories.qt;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.tapegrad.check.GradientCheck;
import org.tapegrad.layers.Linear;
import org.tapegrad.layers.check.CellProperties;
import org.tapegrad.layers.seq.Unroll;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * A user-defined cell in a few lines (the README's example): the minimal gated unit of Zhou et al. 2016, one forget
 * gate doing the work of GRU's two. It gets BPTT, variable lengths and gradient checking with no extra code, and the
 * property API for cells ({@link CellProperties}) checks it in one statement.
 */
class MinimalGatedUnitTest {

    /** {@code f = σ(x·Wf + h·Uf + bf);  h̃ = tanh(x·Wc + (f⊙h)·Uc + bc);  h_t = (1−f)⊙h + f⊙h̃}. */
    record Mgu(int inputSize, int hiddenSize, Parameter wf, Parameter uf, Parameter bf, Parameter wc, Parameter uc, Parameter bc)
            implements Cell<HiddenState> {

        static Mgu create(int in, int hidden, Random r) {
            return new Mgu(in, hidden, uniform("wf", in, hidden, r), uniform("uf", hidden, hidden, r), uniform("bf", 1, hidden, r),
                    uniform("wc", in, hidden, r), uniform("uc", hidden, hidden, r), uniform("bc", 1, hidden, r));
        }

        public HiddenState step(Tape tape, Var x, HiddenState s) {
            Var f = x.matmul(wf).plus(s.h().matmul(uf)).plus(bf).sigmoid();
            Var candidate = x.matmul(wc).plus(f.times(s.h()).matmul(uc)).plus(bc).tanh();
            return new HiddenState(f.oneMinus().times(s.h()).plus(f.times(candidate)));
        }

        public HiddenState initialState(Tape tape, int batch) {
            return new HiddenState(tape.filled(batch, hiddenSize, 0.0));
        }

        public HiddenState withParts(List<Var> parts) {
            return new HiddenState(parts.get(0));
        }

        public List<Parameter> parameters() {
            return List.of(wf, uf, bf, wc, uc, bc);
        }
    }

    @Test
    void bpttOfACustomCellMatchesFiniteDifferences() {
        qt(40).forAll(CellGradientProperties.SIZES).checkAssert(z -> bpttOfACustomCellMatchesFiniteDifferences(z.batch(), z.input(),
                z.hidden(), z.steps(), z.seed()));
    }

    /** The same property through the library's property API for cells: random sizes and lengths, shrunk on failure. */
    @Test
    void cellPropertiesHoldForTheCustomCell() {
        CellProperties.forCell(sizes -> Mgu.create(sizes.inputs(), sizes.hidden(), new Random(sizes.seed()))).batch(1, 4).steps(1, 6).check();
    }

    static void bpttOfACustomCellMatchesFiniteDifferences(int batch, int input, int hidden, int steps, long seed) {
        Random r = new Random(seed);
        Mgu cell = Mgu.create(input, hidden, r);
        Linear head = new Linear("head", hidden, 1, true, r);
        double[][][] xs = org.tapegrad.layers.SequenceModel.randomSteps(r, steps, batch, input, 1.0);
        double[][][] ys = org.tapegrad.layers.SequenceModel.randomSteps(r, steps, batch, 1, 1.0);
        int[] lengths = CellGradientProperties.randomLengths(r, batch, steps);
        List<Parameter> params = new java.util.ArrayList<>(cell.parameters());
        params.addAll(head.parameters());
        GradientCheck.of(tape -> {
            List<Var> inputs = java.util.Arrays.stream(xs).map(tape::constant).toList();
            List<Var> hs = Unroll.fromZero(cell, tape, inputs, lengths).outputs();
            Var loss = tape.filled(1, 1, 0.0);
            for (int t = 0; t < steps; t++) {
                loss = loss.plus(head.apply(hs.get(t)).squaredError(tape.constant(ys[t])).sum());
            }
            return loss;
        }, params).mode(GradientCheck.Mode.RANDOM_DIRECTIONS).seed(seed).assertPasses();
    }

    /** U(−1/√cols, 1/√cols), drawn column by column (the order the cases have always been drawn in). */
    static Parameter uniform(String name, int rows, int cols, Random r) {
        double bound = 1 / Math.sqrt(cols);
        double[][] values = new double[rows][cols];
        for (int j = 0; j < cols; j++) {
            for (int i = 0; i < rows; i++) {
                values[i][j] = bound * (2 * r.nextDouble() - 1);
            }
        }
        Parameter p = new Parameter("mgu." + name, rows, cols);
        p.assign(values);
        return p;
    }
}
