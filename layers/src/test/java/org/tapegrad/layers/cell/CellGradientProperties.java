package org.tapegrad.layers.cell;

import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.tapegrad.layers.Theories.qt;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.tapegrad.check.GradientCheck;
import org.tapegrad.layers.SequenceModel;
import org.tapegrad.layers.SequenceModel.Kind;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * BPTT of every cell, stack and the bidirectional runner against finite differences: random batch, sizes, sequence
 * length and seed; a cross-entropy loss on a linear head at every step; every parameter (cell and head) checked.
 * Bidirectional tries also get random per-sequence lengths, so the reversal within lengths is checked too.
 */
class CellGradientProperties {

    /** Batch 1–4, input 1–6, hidden 1–6, steps 1–8 and any seed. */
    record Sizes(int batch, int input, int hidden, int steps, long seed) {
    }

    static final Gen<Sizes> SIZES = integers().between(1, 4).zip(integers().between(1, 6), integers().between(1, 6),
            integers().between(1, 8), longs().all(), Sizes::new);

    @Test
    void rnnTanh() {
        qt(40).forAll(SIZES).checkAssert(z -> check(Kind.RNN_TANH, z, false));
    }

    @Test
    void rnnSigmoid() {
        qt(40).forAll(SIZES).checkAssert(z -> check(Kind.RNN_SIGMOID, z, false));
    }

    /** relu has a kink at 0: tries whose pre-activations come within 1e-3 of it are discarded, not tolerated. */
    @Test
    void rnnRelu() {
        qt(40).forAll(SIZES).assuming(z -> {
            SequenceModel model = SequenceModel.of(Kind.RNN_RELU, z.input(), z.hidden(), z.seed());
            double[][][] xs = SequenceModel.randomSteps(new Random(z.seed() + 1), z.steps(), z.batch(), z.input(), 1.0);
            return minAbsPreActivation((RnnCell) model.cell, xs) > 1e-3;
        }).checkAssert(z -> check(Kind.RNN_RELU, z, false));
    }

    @Test
    void lstm() {
        qt(40).forAll(SIZES).checkAssert(z -> check(Kind.LSTM, z, false));
    }

    @Test
    void lstmWithForgetBias() {
        qt(20).forAll(SIZES).checkAssert(z -> check(Kind.LSTM_FORGET_BIAS, z, false));
    }

    @Test
    void gruResetBeforeMatmul() {
        qt(40).forAll(SIZES).checkAssert(z -> check(Kind.GRU_RESET_BEFORE_MATMUL, z, false));
    }

    @Test
    void gruLinearBeforeReset() {
        qt(40).forAll(SIZES).checkAssert(z -> check(Kind.GRU_LINEAR_BEFORE_RESET, z, false));
    }

    @Test
    void stacked() {
        qt(30).forAll(SIZES).checkAssert(z -> check(Kind.STACKED, z, true));
    }

    @Test
    void bidirectional() {
        qt(30).forAll(SIZES).checkAssert(z -> check(Kind.BIDIRECTIONAL, z, true));
    }

    static void check(Kind kind, Sizes z, boolean variableLengths) {
        check(kind, z.batch(), z.input(), z.hidden(), z.steps(), z.seed(), variableLengths);
    }

    static void check(Kind kind, int batch, int input, int hidden, int steps, long seed, boolean variableLengths) {
        SequenceModel model = SequenceModel.of(kind, input, hidden, seed);
        Random r = new Random(seed + 1);
        double[][][] xs = SequenceModel.randomSteps(r, steps, batch, input, 1.0);
        int[] lengths = variableLengths ? randomLengths(r, batch, steps) : null;
        int[][] targets = SequenceModel.randomTargets(r, steps, batch, lengths);
        GradientCheck.of(tape -> model.loss(tape, xs, targets, lengths), model.parameters())
                .mode(GradientCheck.Mode.RANDOM_DIRECTIONS).seed(seed).assertPasses();
    }

    static int[] randomLengths(Random r, int batch, int steps) {
        int[] lengths = new int[batch];
        for (int b = 0; b < batch; b++) {
            lengths[b] = 1 + r.nextInt(steps);
        }
        return lengths;
    }

    /** {@code min |x_t·W_x + h_{t−1}·W_h + b|} over all steps, rows and units, recomputed from the unrolled outputs. */
    static double minAbsPreActivation(RnnCell cell, double[][][] xs) {
        Tape tape = new Tape();
        List<Var> steps = new java.util.ArrayList<>();
        for (double[][] x : xs) {
            steps.add(tape.constant(x));
        }
        List<Var> hs = org.tapegrad.layers.seq.Unroll.fromZero(cell, tape, steps, null).outputs();
        double min = Double.POSITIVE_INFINITY;
        for (int t = 0; t < steps.size(); t++) {
            Var previous = t == 0 ? cell.initialState(tape, xs[0].length).h() : hs.get(t - 1);
            double[][] z = steps.get(t).matmul(cell.wx()).plus(previous.matmul(cell.wh())).plus(cell.b()).toArray();
            for (double[] row : z) {
                for (double v : row) {
                    min = Math.min(min, Math.abs(v));
                }
            }
        }
        tape.reset();
        return min;
    }
}
