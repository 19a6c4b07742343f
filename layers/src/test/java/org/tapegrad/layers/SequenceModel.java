package org.tapegrad.layers;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.GruCell;
import org.tapegrad.layers.cell.LstmCell;
import org.tapegrad.layers.cell.RnnCell;
import org.tapegrad.layers.cell.StackedCell;
import org.tapegrad.layers.seq.Bidirectional;
import org.tapegrad.layers.seq.Unroll;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * Test fixture: a recurrent network of some {@link Kind} under a {@link Linear} head with {@value #CLASSES} classes,
 * and the loss {@code Σ_t Σ_b crossEntropy(head(h_t))} over every step (a target of −1 ignores a row).
 */
public final class SequenceModel {

    public static final int CLASSES = 3;

    /** Every network shape the cells can form. */
    public enum Kind {
        RNN_TANH, RNN_SIGMOID, RNN_RELU, LSTM, LSTM_FORGET_BIAS, GRU_RESET_BEFORE_MATMUL, GRU_LINEAR_BEFORE_RESET,
        /** RNN (tanh) under an LSTM under a GRU. */
        STACKED,
        /** forward LSTM of H units, backward GRU (reset before matmul) of H+1 units. */
        BIDIRECTIONAL
    }

    public final Kind kind;
    public final Cell<?> cell;
    public final Cell<?> backwardCell;
    public final Linear head;

    private SequenceModel(Kind kind, Cell<?> cell, Cell<?> backwardCell, Linear head) {
        this.kind = kind;
        this.cell = cell;
        this.backwardCell = backwardCell;
        this.head = head;
    }

    public static SequenceModel of(Kind kind, int input, int hidden, long seed) {
        Random r = new Random(seed);
        Cell<?> backward = null;
        Cell<?> cell = switch (kind) {
            case RNN_TANH -> new RnnCell("rnn", input, hidden, RnnCell.Activation.TANH, r);
            case RNN_SIGMOID -> new RnnCell("rnn", input, hidden, RnnCell.Activation.SIGMOID, r);
            case RNN_RELU -> new RnnCell("rnn", input, hidden, RnnCell.Activation.RELU, r);
            case LSTM -> new LstmCell("lstm", input, hidden, r);
            case LSTM_FORGET_BIAS -> new LstmCell("lstm", input, hidden, 1.0, r);
            case GRU_RESET_BEFORE_MATMUL -> new GruCell("gru", input, hidden, GruCell.Variant.RESET_BEFORE_MATMUL, r);
            case GRU_LINEAR_BEFORE_RESET -> new GruCell("gru", input, hidden, GruCell.Variant.LINEAR_BEFORE_RESET, r);
            case STACKED -> StackedCell.of(new RnnCell("l0", input, hidden, RnnCell.Activation.TANH, r), new LstmCell("l1", hidden, hidden, r),
                    new GruCell("l2", hidden, hidden, GruCell.Variant.LINEAR_BEFORE_RESET, r));
            case BIDIRECTIONAL -> {
                backward = new GruCell("bwd", input, hidden + 1, GruCell.Variant.RESET_BEFORE_MATMUL, r);
                yield new LstmCell("fwd", input, hidden, r);
            }
        };
        int features = cell.hiddenSize() + (backward == null ? 0 : backward.hiddenSize());
        return new SequenceModel(kind, cell, backward, new Linear("head", features, CLASSES, true, r));
    }

    public List<Parameter> parameters() {
        List<Parameter> all = new ArrayList<>(cell.parameters());
        if (backwardCell != null) {
            all.addAll(backwardCell.parameters());
        }
        all.addAll(head.parameters());
        return all;
    }

    /** The network's per-step outputs ({@code B×features}) for inputs {@code xs[t]} ({@code B×I}). */
    public List<Var> outputs(Tape tape, List<Var> xs, int[] lengths) {
        if (backwardCell == null) {
            return Unroll.fromZero(cell, tape, xs, lengths).outputs();
        }
        return Bidirectional.run(cell, backwardCell, tape, xs, lengths).outputs();
    }

    /** {@code Σ_t Σ_b crossEntropy(head(h_t))[b]} against {@code targets[t][b]} (−1: ignore), {@code 1×1}. */
    public Var loss(Tape tape, double[][][] xs, int[][] targets, int[] lengths) {
        List<Var> steps = new ArrayList<>();
        for (double[][] x : xs) {
            steps.add(tape.constant(x));
        }
        List<Var> hs = outputs(tape, steps, lengths);
        Var loss = null;
        for (int t = 0; t < hs.size(); t++) {
            Var term = head.apply(hs.get(t)).crossEntropy(targets[t]).sum();
            loss = loss == null ? term : loss.plus(term);
        }
        return loss;
    }

    /** {@code steps×batch×width} values uniform in {@code [−scale, scale]}. */
    public static double[][][] randomSteps(Random r, int steps, int batch, int width, double scale) {
        double[][][] a = new double[steps][batch][width];
        for (double[][] step : a) {
            for (double[] row : step) {
                for (int j = 0; j < width; j++) {
                    row[j] = scale * (2 * r.nextDouble() - 1);
                }
            }
        }
        return a;
    }

    /** Random class targets {@code [t][b]}, −1 at padded steps {@code t ≥ lengths[b]}. */
    public static int[][] randomTargets(Random r, int steps, int batch, int[] lengths) {
        int[][] targets = new int[steps][batch];
        for (int t = 0; t < steps; t++) {
            for (int b = 0; b < batch; b++) {
                targets[t][b] = lengths == null || t < lengths[b] ? r.nextInt(CLASSES) : -1;
            }
        }
        return targets;
    }

    @Override
    public String toString() {
        return kind + " " + cell.inputSize() + "→" + cell.hiddenSize();
    }
}
