package org.tapegrad.examples.flow;

import java.util.List;

import org.ojalgo.matrix.store.R064Store;
import org.tapegrad.layers.cell.LstmCell;
import org.tapegrad.layers.cell.LstmState;
import org.tapegrad.layers.seq.Unrolled;
import org.tapegrad.tape.Gradients;
import org.tapegrad.tape.NoGrad;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * The LSTM's additive path, docs/theory.md §2: along the cell state alone {@code ∂C_T/∂C_t = Π_{k=t+1..T} diag(f_k)}.
 * Compares that product of forget gates with the measured total derivative, which also has terms through the gates
 * and h.
 *
 * <p>Both are taken in one direction: the seed {@code u} is uniform ({@code 1/√(B·H)} in every entry), the measured
 * value is {@code ‖uᵀ ∂C_T/∂C_t‖} (one backward pass from {@code C_T} seeded with u), and the cell-path value is
 * {@code ‖u ⊙ Π f‖}, the root mean square of the forget-gate products.
 *
 * @param forgetProduct {@code ‖u ⊙ Π_{k=T−d+1..T} f_k‖} by distance d (1 at d = 0)
 * @param measured {@code ‖uᵀ ∂C_T/∂C_{T−d}‖} by distance d (1 at d = 0)
 */
public record LstmCellPath(double[] forgetProduct, double[] measured) {

    /** Unrolls {@code cell} over {@code inputs} ({@code B×I} per step) and measures both curves. */
    public static LstmCellPath measure(LstmCell cell, List<double[][]> inputs) {
        Tape tape = new Tape();
        try {
            Unrolled<LstmState> run = org.tapegrad.layers.diag.GradientFlow.retain(GradientFlow.unroll(cell, tape, inputs));
            int T = inputs.size();
            Var cT = run.finalState().c();
            int batch = cT.rows();
            int hidden = cT.cols();
            R064Store seed = R064Store.FACTORY.make(batch, hidden);
            seed.fillAll(1.0 / Math.sqrt((double) batch * hidden));
            Gradients gradients = tape.gradients(cT, seed);
            double[] cNorms = org.tapegrad.layers.diag.GradientFlow.stateGradientNorms(gradients, run, 1);
            double[] measured = GradientFlow.byDistance(cNorms);

            double[][] product = new double[batch][hidden];
            for (double[] row : product) {
                java.util.Arrays.fill(row, 1.0);
            }
            double[] forget = new double[T];
            forget[0] = 1.0;
            try (NoGrad ignored = tape.noGrad()) {
                for (int d = 1; d < T; d++) {
                    // f_k for k = T−d+1 (1-based), i.e. the step whose input is inputs[T−d] and whose previous h is h_{T−d}.
                    int k = T - d;
                    Var hPrev = run.outputs().get(k - 1);
                    double[][] f = forgetGate(cell, tape, tape.constant(inputs.get(k)), hPrev);
                    double ss = 0;
                    for (int b = 0; b < batch; b++) {
                        for (int j = 0; j < hidden; j++) {
                            product[b][j] *= f[b][j];
                            ss += product[b][j] * product[b][j];
                        }
                    }
                    forget[d] = Math.sqrt(ss / ((double) batch * hidden));
                }
            }
            return new LstmCellPath(forget, measured);
        } finally {
            tape.reset();
        }
    }

    /** {@code f = σ(x·W_xf + h·W_hf + b_f)}, the forget block (columns H..2H) of the fused gates. */
    static double[][] forgetGate(LstmCell cell, Tape tape, Var x, Var hPrev) {
        int h = cell.hiddenSize();
        Var z = x.matmul(cell.wx()).plus(hPrev.matmul(cell.wh())).plus(cell.b());
        return z.columns(h, 2 * h).sigmoid().toArray();
    }
}
