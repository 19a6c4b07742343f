package org.tapegrad.layers.cell;

import java.util.List;
import java.util.Random;

import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
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

    @Property(tries = 40)
    void rnnTanh(@ForAll @IntRange(min = 1, max = 4) int batch, @ForAll @IntRange(min = 1, max = 6) int input,
            @ForAll @IntRange(min = 1, max = 6) int hidden, @ForAll @IntRange(min = 1, max = 8) int steps, @ForAll long seed) {
        check(Kind.RNN_TANH, batch, input, hidden, steps, seed, false);
    }

    @Property(tries = 40)
    void rnnSigmoid(@ForAll @IntRange(min = 1, max = 4) int batch, @ForAll @IntRange(min = 1, max = 6) int input,
            @ForAll @IntRange(min = 1, max = 6) int hidden, @ForAll @IntRange(min = 1, max = 8) int steps, @ForAll long seed) {
        check(Kind.RNN_SIGMOID, batch, input, hidden, steps, seed, false);
    }

    /** relu has a kink at 0: tries whose pre-activations come within 1e-3 of it are discarded, not tolerated. */
    @Property(tries = 40)
    void rnnRelu(@ForAll @IntRange(min = 1, max = 4) int batch, @ForAll @IntRange(min = 1, max = 6) int input,
            @ForAll @IntRange(min = 1, max = 6) int hidden, @ForAll @IntRange(min = 1, max = 8) int steps, @ForAll long seed) {
        SequenceModel model = SequenceModel.of(Kind.RNN_RELU, input, hidden, seed);
        double[][][] xs = SequenceModel.randomSteps(new Random(seed + 1), steps, batch, input, 1.0);
        Assume.that(minAbsPreActivation((RnnCell) model.cell, xs) > 1e-3);
        check(Kind.RNN_RELU, batch, input, hidden, steps, seed, false);
    }

    @Property(tries = 40)
    void lstm(@ForAll @IntRange(min = 1, max = 4) int batch, @ForAll @IntRange(min = 1, max = 6) int input,
            @ForAll @IntRange(min = 1, max = 6) int hidden, @ForAll @IntRange(min = 1, max = 8) int steps, @ForAll long seed) {
        check(Kind.LSTM, batch, input, hidden, steps, seed, false);
    }

    @Property(tries = 20)
    void lstmWithForgetBias(@ForAll @IntRange(min = 1, max = 4) int batch, @ForAll @IntRange(min = 1, max = 6) int input,
            @ForAll @IntRange(min = 1, max = 6) int hidden, @ForAll @IntRange(min = 1, max = 8) int steps, @ForAll long seed) {
        check(Kind.LSTM_FORGET_BIAS, batch, input, hidden, steps, seed, false);
    }

    @Property(tries = 40)
    void gruResetBeforeMatmul(@ForAll @IntRange(min = 1, max = 4) int batch, @ForAll @IntRange(min = 1, max = 6) int input,
            @ForAll @IntRange(min = 1, max = 6) int hidden, @ForAll @IntRange(min = 1, max = 8) int steps, @ForAll long seed) {
        check(Kind.GRU_RESET_BEFORE_MATMUL, batch, input, hidden, steps, seed, false);
    }

    @Property(tries = 40)
    void gruLinearBeforeReset(@ForAll @IntRange(min = 1, max = 4) int batch, @ForAll @IntRange(min = 1, max = 6) int input,
            @ForAll @IntRange(min = 1, max = 6) int hidden, @ForAll @IntRange(min = 1, max = 8) int steps, @ForAll long seed) {
        check(Kind.GRU_LINEAR_BEFORE_RESET, batch, input, hidden, steps, seed, false);
    }

    @Property(tries = 30)
    void stacked(@ForAll @IntRange(min = 1, max = 4) int batch, @ForAll @IntRange(min = 1, max = 6) int input,
            @ForAll @IntRange(min = 1, max = 6) int hidden, @ForAll @IntRange(min = 1, max = 8) int steps, @ForAll long seed) {
        check(Kind.STACKED, batch, input, hidden, steps, seed, true);
    }

    @Property(tries = 30)
    void bidirectional(@ForAll @IntRange(min = 1, max = 4) int batch, @ForAll @IntRange(min = 1, max = 6) int input,
            @ForAll @IntRange(min = 1, max = 6) int hidden, @ForAll @IntRange(min = 1, max = 8) int steps, @ForAll long seed) {
        check(Kind.BIDIRECTIONAL, batch, input, hidden, steps, seed, true);
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
