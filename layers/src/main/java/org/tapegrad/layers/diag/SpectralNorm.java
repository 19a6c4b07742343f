package org.tapegrad.layers.diag;

import org.ojalgo.matrix.decomposition.SingularValue;
import org.ojalgo.matrix.store.MatrixStore;
import org.tapegrad.tape.Parameter;

/**
 * The spectral norm ‖A‖₂ (largest singular value) of a matrix, by ojAlgo's SVD. For the recurrent matrix of a vanilla
 * RNN, docs/theory.md §1: {@code ‖∂h_T/∂h_t‖₂ ≤ (γ‖W_h‖₂)^{T−t}} with γ = max f' (1 for tanh, 1/4 for sigmoid), so
 * {@code γ‖W_h‖₂ < 1} guarantees vanishing gradients.
 */
public final class SpectralNorm {

    private SpectralNorm() {
    }

    /** ‖A‖₂ of any {@code m×n} matrix. */
    public static double of(MatrixStore<Double> matrix) {
        SingularValue<Double> svd = SingularValue.R064.make(matrix);
        if (!svd.computeValuesOnly(matrix)) {
            throw new ArithmeticException("spectral norm: the SVD of a " + matrix.countRows() + "×" + matrix.countColumns() + " matrix did not converge");
        }
        return svd.getOperatorNorm();
    }

    /** ‖W‖₂ of a parameter's current value, e.g. an RNN's {@code W_h}. */
    public static double of(Parameter parameter) {
        return of(parameter.value());
    }
}
