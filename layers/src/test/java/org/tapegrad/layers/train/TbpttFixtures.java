package org.tapegrad.layers.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.CellState;
import org.tapegrad.layers.cell.RnnCell;
import org.tapegrad.layers.loss.Reduction;
import org.tapegrad.layers.loss.SequenceSquaredError;
import org.tapegrad.tape.Layout;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * A small regression problem shared by the truncated-BPTT tests: inputs {@code x_t} ({@code B×I}), a cell, a
 * read-out {@code V} ({@code H×K}) and targets; the loss of steps {@code [start, start + n)} is
 * {@code Σ_t Σ_b ‖h_t[b]·V − y_t[b]‖²} (sum reduction, so chunk losses add up to the full loss).
 */
final class TbpttFixtures<S extends CellState> {

    final Cell<S> cell;
    final Parameter readout;
    final double[][][] xs;
    final double[][][] ys;

    TbpttFixtures(Cell<S> cell, int steps, int batch, int outputs, Random random) {
        this.cell = cell;
        this.readout = gaussian("readout", cell.hiddenSize(), outputs, 0.7, random);
        this.xs = randomSteps(steps, batch, cell.inputSize(), random);
        this.ys = randomSteps(steps, batch, outputs, random);
    }

    TbpttFixtures(Cell<S> cell, Parameter readout, double[][][] xs, double[][][] ys) {
        this.cell = cell;
        this.readout = readout;
        this.xs = xs;
        this.ys = ys;
    }

    /** The same model on sequence b alone, cut to its first {@code length} steps. */
    TbpttFixtures<S> row(int b, int length) {
        double[][][] x = new double[length][][];
        double[][][] y = new double[length][][];
        for (int t = 0; t < length; t++) {
            x[t] = new double[][] {xs[t][b]};
            y[t] = new double[][] {ys[t][b]};
        }
        return new TbpttFixtures<>(cell, readout, x, y);
    }

    static TbpttFixtures<?> of(boolean twoParts, int steps, int batch, int inputs, int hidden, long seed) {
        Random r = new Random(seed);
        return twoParts
                ? new TbpttFixtures<>(new TwoPartCell(inputs, hidden, r), steps, batch, 2, r)
                : new TbpttFixtures<>(new RnnCell("rnn", inputs, hidden, RnnCell.Activation.TANH, r), steps, batch, 2, r);
    }

    List<Parameter> parameters() {
        List<Parameter> all = new ArrayList<>(cell.parameters());
        all.add(readout);
        return all;
    }

    StepInputs inputs() {
        return (tape, t) -> tape.constant(xs[t]);
    }

    /** The loss of the given outputs, which are steps {@code start, start+1, …}. */
    Var loss(Tape tape, List<Var> outputs, int start) {
        return loss(tape, outputs, start, null);
    }

    /** The same with per-sequence lengths of this window ({@code null}: all real). */
    Var loss(Tape tape, List<Var> outputs, int start, int[] windowLengths) {
        List<Var> predictions = new ArrayList<>();
        List<Var> targets = new ArrayList<>();
        for (int j = 0; j < outputs.size(); j++) {
            predictions.add(outputs.get(j).matmul(readout));
            targets.add(tape.constant(ys[start + j]));
        }
        return SequenceSquaredError.loss(predictions, targets, windowLengths, Reduction.SUM);
    }

    ChunkLoss<S> chunkLoss() {
        return chunk -> loss(chunk.tape(), chunk.outputs(), chunk.start());
    }

    /** Copies of every parameter's gradient (row by row), in {@link #parameters()} order; then zeroes them. */
    double[][] takeGradients() {
        List<Parameter> ps = parameters();
        double[][] g = new double[ps.size()][];
        for (int k = 0; k < ps.size(); k++) {
            g[k] = Layout.toRowMajorFlat(ps.get(k).grad());
            ps.get(k).zeroGrad();
        }
        return g;
    }

    static Parameter gaussian(String name, int rows, int cols, double scale, Random random) {
        Parameter p = new Parameter(name, rows, cols);
        p.update((value, grad) -> {
            for (int i = 0; i < value.length; i++) {
                value[i] = scale * random.nextGaussian() / Math.sqrt(rows);
            }
        });
        return p;
    }

    static double[][][] randomSteps(int steps, int rows, int cols, Random random) {
        double[][][] a = new double[steps][rows][cols];
        for (double[][] step : a) {
            for (double[] row : step) {
                for (int j = 0; j < cols; j++) {
                    row[j] = random.nextGaussian();
                }
            }
        }
        return a;
    }
}
