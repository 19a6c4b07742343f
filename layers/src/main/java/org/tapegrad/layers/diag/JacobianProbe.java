package org.tapegrad.layers.diag;

import java.util.List;
import java.util.Objects;
import java.util.Random;

import org.ojalgo.matrix.store.MatrixStore;
import org.ojalgo.matrix.store.R064Store;
import org.tapegrad.tape.Gradients;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * Jacobians {@code ∂h_T/∂h_t} across steps, read from a recording by gradient passes from the last output
 * {@code h_T} with chosen seeds ({@link Tape#gradients(Var, MatrixStore)}, repeatable on one recording). Every batch
 * row is seeded at once, which assumes the rows of a batch do not interact (true of every cell built from row-wise
 * ops and right matmuls, i.e. all built-in cells).
 *
 * <p>No side effects: the passes change no parameter's gradient and no earlier pass's result (what
 * {@link GradientFlow} reads stays valid). Each pass takes fresh gradient buffers from the tape, returned at the next
 * {@code reset()}.
 */
public final class JacobianProbe {

    private JacobianProbe() {
    }

    /**
     * The exact Jacobians, from {@code H_T} gradient passes seeded with the unit vectors.
     *
     * @param outputs {@code h_t} of every step (e.g. {@code unrolled.outputs()}), each {@code B×H_t}, recorded with
     *                gradient on one tape
     */
    public static StepJacobians exact(List<Var> outputs) {
        Var last = check(outputs);
        retain(outputs);
        int batch = last.rows();
        int width = last.cols();
        R064Store[][] jacobians = new R064Store[batch][outputs.size()];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < outputs.size(); t++) {
                jacobians[b][t] = R064Store.FACTORY.make(outputs.get(t).cols(), width);
            }
        }
        R064Store seed = R064Store.FACTORY.make(batch, width);
        for (int i = 0; i < width; i++) {
            seed.fillAll(0.0);
            for (int b = 0; b < batch; b++) {
                seed.set(b, i, 1.0);
            }
            Gradients gradients = last.tape().gradients(last, seed);
            for (int t = 0; t < outputs.size(); t++) {
                MatrixStore<Double> g = gradients.of(outputs.get(t));
                for (int b = 0; b < batch; b++) {
                    for (int j = 0; j < g.countColumns(); j++) {
                        jacobians[b][t].set(j, i, g.doubleValue(b, j));
                    }
                }
            }
        }
        return new StepJacobians(jacobians);
    }

    /**
     * Norms estimated from {@code probes} gradient passes, each seeded with an independent random unit vector per
     * batch row: cheaper than {@link #exact} when {@code probes < H}. {@code outputs} as for {@link #exact}.
     */
    public static ProbeEstimate random(List<Var> outputs, int probes, Random random) {
        Var last = check(outputs);
        if (probes < 1) {
            throw new IllegalArgumentException("Jacobian probes: need at least 1 probe, got " + probes);
        }
        retain(outputs);
        int batch = last.rows();
        int width = last.cols();
        int steps = outputs.size();
        double[][] sumOfSquares = new double[batch][steps];
        double[][] largest = new double[batch][steps];
        R064Store seed = R064Store.FACTORY.make(batch, width);
        for (int p = 0; p < probes; p++) {
            randomUnitRows(seed, random);
            Gradients gradients = last.tape().gradients(last, seed);
            for (int t = 0; t < steps; t++) {
                MatrixStore<Double> g = gradients.of(outputs.get(t));
                for (int b = 0; b < batch; b++) {
                    double n = Matrices.rowNorm(g, b);
                    sumOfSquares[b][t] += n * n;
                    largest[b][t] = Math.max(largest[b][t], n);
                }
            }
        }
        double[][] frobenius = new double[batch][steps];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < steps; t++) {
                frobenius[b][t] = Math.sqrt(width * sumOfSquares[b][t] / probes);
            }
        }
        return new ProbeEstimate(frobenius, largest, probes);
    }

    private static Var check(List<Var> outputs) {
        if (outputs.isEmpty()) {
            throw new IllegalArgumentException("Jacobian probe: no outputs");
        }
        Var last = outputs.get(outputs.size() - 1);
        for (int t = 0; t < outputs.size(); t++) {
            Var h = Objects.requireNonNull(outputs.get(t), "output " + t);
            if (h.tape() != last.tape() || h.rows() != last.rows()) {
                throw new IllegalArgumentException("Jacobian probe: output " + t + " " + h.shape() + " is not on the same tape with the same batch as the last output " + last.shape());
            }
            if (!h.requiresGrad()) {
                throw new IllegalArgumentException("Jacobian probe: output " + t + " " + h.shape()
                        + " was not recorded with gradient (a constant, or run under noGrad as outside a truncated-BPTT window), so no Jacobian reaches it");
            }
        }
        return last;
    }

    /** Gaussian rows scaled to unit length: uniform on the sphere. */
    private static void randomUnitRows(R064Store seed, Random random) {
        int rows = seed.getRowDim();
        int cols = seed.getColDim();
        for (int b = 0; b < rows; b++) {
            double n;
            do {
                n = 0;
                for (int j = 0; j < cols; j++) {
                    double v = random.nextGaussian();
                    seed.set(b, j, v);
                    n += v * v;
                }
            } while (n == 0);
            double inv = 1 / Math.sqrt(n);
            for (int j = 0; j < cols; j++) {
                seed.set(b, j, seed.get(b, j) * inv);
            }
        }
    }

    /** The passes below read every output's gradient: ask them to keep it (a pass releases intermediates' gradients). */
    private static void retain(List<Var> outputs) {
        for (Var h : outputs) {
            if (h.requiresGrad()) {
                h.retainGrad();
            }
        }
    }
}
