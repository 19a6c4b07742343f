package org.tapegrad.examples.flow;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.LstmCell;
import org.tapegrad.layers.cell.RnnCell;
import org.tapegrad.layers.diag.SpectralNorm;

/**
 * Runs every {@link FlowModel} on the same random input sequence and collects the measured curves with their decay
 * rates and, for vanilla RNNs, docs/theory.md §1's bound.
 *
 * @param steps T
 * @param inputSize I (input values uniform in [−1, 1])
 * @param hiddenSize H
 * @param batch B
 * @param seed seeds the inputs, the readout and every model's initialization
 */
public record FlowExperiment(int steps, int inputSize, int hiddenSize, int batch, long seed) {

    /**
     * One model's result.
     *
     * @param curve {@code ‖∂L/∂h_{T−d}‖ / ‖∂L/∂h_T‖} for d = 0 … T−1
     * @param rate measured geometric decay per step (least-squares fit over all d)
     * @param spectralNorm ‖W_h‖₂ for a vanilla RNN, NaN otherwise
     * @param boundRate {@code γ‖W_h‖₂}, NaN where the bound does not apply
     */
    public record Result(FlowModel model, double[] curve, double rate, double spectralNorm, double boundRate) {

        /** The bound {@code (γ‖W_h‖₂)^d} at distance d. */
        public double bound(int d) {
            return Math.pow(boundRate, d);
        }
    }

    /** Runs the experiment for {@code models}, calling {@code afterEach} after each model (for a progress bar). */
    public List<Result> run(List<FlowModel> models, Runnable afterEach) {
        List<double[][]> inputs = inputs();
        double[][] readout = readout();
        List<Result> results = new ArrayList<>();
        for (int m = 0; m < models.size(); m++) {
            FlowModel model = models.get(m);
            Cell<?> cell = model.factory().build(inputSize, hiddenSize, new Random(seed * 1_000 + m));
            double[] curve = GradientFlow.measure(cell, inputs, readout);
            double norm = cell instanceof RnnCell rnn ? SpectralNorm.of(rnn.wh()) : Double.NaN;
            double boundRate = model.bounded() ? model.gamma() * norm : Double.NaN;
            results.add(new Result(model, curve, DecayRate.of(curve, 0), norm, boundRate));
            afterEach.run();
        }
        return results;
    }

    /** The LSTM's cell path (Π f against the measured ‖∂C_T/∂C_t‖) for a forget-gate bias, on the same inputs. */
    public LstmCellPath cellPath(double forgetBias) {
        LstmCell cell = new LstmCell("lstm", inputSize, hiddenSize, forgetBias, new Random(seed * 1_000 + 999));
        return LstmCellPath.measure(cell, inputs());
    }

    /** T steps of {@code B×I} values uniform in [−1, 1]. */
    public List<double[][]> inputs() {
        Random r = new Random(seed);
        List<double[][]> xs = new ArrayList<>(steps);
        for (int t = 0; t < steps; t++) {
            double[][] x = new double[batch][inputSize];
            for (double[] row : x) {
                for (int i = 0; i < row.length; i++) {
                    row[i] = 2 * r.nextDouble() - 1;
                }
            }
            xs.add(x);
        }
        return xs;
    }

    /** A random unit vector v ({@code H×1}) for the loss {@code L = Σ_b h_T[b]·v}. */
    public double[][] readout() {
        Random r = new Random(seed + 17);
        double[][] v = new double[hiddenSize][1];
        double s = 0;
        for (double[] row : v) {
            row[0] = r.nextGaussian();
            s += row[0] * row[0];
        }
        for (double[] row : v) {
            row[0] /= Math.sqrt(s);
        }
        return v;
    }
}
