package org.tapegrad.examples.flow;

import java.util.ArrayList;
import java.util.List;

import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.CellState;
import org.tapegrad.layers.seq.Unroll;
import org.tapegrad.layers.seq.Unrolled;
import org.tapegrad.tape.Gradients;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * Measures how the gradient of a loss taken at the last step of a long sequence reaches earlier steps: unroll a cell
 * over T steps, let {@code L = Σ_b h_T[b]·v} (a fixed unit readout v, so {@code ∂L/∂h_T} is the same for every
 * example), take its gradients once ({@link Tape#gradients}, which leaves the cell's parameters alone), and read
 * {@code ‖∂L/∂h_t‖} (Frobenius norm over the batch) for every t with the layers'
 * {@link org.tapegrad.layers.diag.GradientFlow}. docs/theory.md §1 bounds the ratio
 * {@code ‖∂L/∂h_t‖ / ‖∂L/∂h_T‖} by {@code (γ‖W_h‖₂)^{T−t}} for a vanilla RNN.
 */
public final class GradientFlow {

    private GradientFlow() {
    }

    /**
     * Runs {@code cell} over {@code inputs} (T steps of {@code B×I}) from the zero state.
     *
     * @param readout the unit vector v, {@code H×1}
     * @return {@code r[d] = ‖∂L/∂h_{T−d}‖ / ‖∂L/∂h_T‖} for distances {@code d = 0 … T−1}
     */
    public static <S extends CellState> double[] measure(Cell<S> cell, List<double[][]> inputs, double[][] readout) {
        Tape tape = new Tape();
        try {
            Unrolled<S> run = org.tapegrad.layers.diag.GradientFlow.retain(unroll(cell, tape, inputs));
            Var loss = run.finalState().output().matmul(tape.constant(readout)).sum();
            Gradients gradients = tape.gradients(loss, null);
            return byDistance(org.tapegrad.layers.diag.GradientFlow.outputGradientNorms(gradients, run));
        } finally {
            tape.reset();
        }
    }

    /** Unrolls {@code cell} over constant inputs from its zero state. */
    static <S extends CellState> Unrolled<S> unroll(Cell<S> cell, Tape tape, List<double[][]> inputs) {
        List<Var> xs = new ArrayList<>(inputs.size());
        for (double[][] x : inputs) {
            xs.add(tape.constant(x));
        }
        return Unroll.run(cell, tape, xs, cell.initialState(tape, inputs.get(0).length));
    }

    /** Per-step norms (step order) turned into ratios to the last step, by distance from it. */
    static double[] byDistance(double[] normsByStep) {
        int T = normsByStep.length;
        double last = normsByStep[T - 1];
        double[] r = new double[T];
        for (int d = 0; d < T; d++) {
            r[d] = normsByStep[T - 1 - d] / last;
        }
        return r;
    }
}
