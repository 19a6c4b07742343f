package org.tapegrad.examples.flow;

import java.util.ArrayList;
import java.util.List;

import org.ojalgo.matrix.store.MatrixStore;
import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.CellState;
import org.tapegrad.layers.seq.Unroll;
import org.tapegrad.layers.seq.Unrolled;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * Measures how the gradient of a loss taken at the last step of a long sequence reaches earlier steps: unroll a cell
 * over T steps, let {@code L = Σ_b h_T[b]·v} (a fixed unit readout v, so {@code ∂L/∂h_T} is the same for every
 * example), backpropagate once, and read {@code ‖∂L/∂h_t‖} (Frobenius norm over the batch) off the tape for every t.
 * THEORY.md §1 bounds the ratio {@code ‖∂L/∂h_t‖ / ‖∂L/∂h_T‖} by {@code (γ‖W_h‖₂)^{T−t}}.
 */
public final class GradientFlow {

    private GradientFlow() {
    }

    /**
     * The measured curve.
     *
     * @param norms {@code norms[d]} = {@code ‖∂L/∂h_{T−d}‖ / ‖∂L/∂h_T‖}, for distances {@code d = 0 … T−1}
     */
    public record Curve(double[] norms) {

        /** {@code T}. */
        public int length() {
            return norms.length;
        }
    }

    /**
     * Runs {@code cell} over {@code inputs} (T steps of {@code B×I}) from the zero state and measures the curve.
     *
     * @param readout the unit vector v, {@code H×1}
     */
    public static <S extends CellState> Curve measure(Cell<S> cell, List<double[][]> inputs, double[][] readout) {
        Tape tape = new Tape();
        try {
            Unrolled<S> run = unroll(cell, tape, inputs);
            Var loss = run.finalState().output().matmul(tape.constant(readout)).sum();
            tape.backward(loss);
            List<Var> hs = run.outputs();
            return new Curve(normalizedByLast(hs));
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

    /**
     * {@code ‖grad(values[T−1−d])‖ / ‖grad(values[T−1])‖} for {@code d = 0 … T−1}, after a backward pass.
     */
    static double[] normalizedByLast(List<Var> values) {
        int T = values.size();
        double last = frobenius(values.get(T - 1).grad());
        double[] r = new double[T];
        for (int d = 0; d < T; d++) {
            r[d] = frobenius(values.get(T - 1 - d).grad()) / last;
        }
        return r;
    }

    static double frobenius(MatrixStore<Double> m) {
        // Scaled sum of squares: gradients of 1e-200 would underflow if squared directly.
        double scale = 0;
        for (long i = 0; i < m.count(); i++) {
            scale = Math.max(scale, Math.abs(m.doubleValue(i)));
        }
        if (scale == 0) {
            return 0;
        }
        double s = 0;
        for (long i = 0; i < m.count(); i++) {
            double x = m.doubleValue(i) / scale;
            s += x * x;
        }
        return scale * Math.sqrt(s);
    }
}
