package org.tapegrad.examples.flow;

import org.ojalgo.matrix.decomposition.SingularValue;
import org.ojalgo.matrix.store.MatrixStore;

/** The spectral norm ‖W‖₂ (largest singular value) of a weight matrix, the quantity in THEORY.md §1's bound. */
public final class SpectralNorm {

    private SpectralNorm() {
    }

    public static double of(MatrixStore<Double> w) {
        SingularValue<Double> svd = SingularValue.R064.make(w);
        if (!svd.decompose(w)) {
            throw new IllegalStateException("SVD failed for a " + w.countRows() + "×" + w.countColumns() + " matrix");
        }
        return svd.getOperatorNorm();
    }
}
