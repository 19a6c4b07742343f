package org.tapegrad.layers.diag;

import org.ojalgo.matrix.store.MatrixStore;
import org.ojalgo.matrix.store.R064Store;

/**
 * The Jacobians {@code ∂h_T/∂h_t} of an unrolled recording, one per batch row b and step t (0-based, so the distance
 * is {@code T − 1 − t}), in docs/theory.md's row-vector convention: {@code J(j, i) = ∂h_T[i] / ∂h_t[j]}, an
 * {@code H_t×H_T} matrix with {@code dh_T = dh_t · J}; for a vanilla RNN {@code J = Π_{k=t+1..T−1} W_h·diag(f'(z_k))}.
 * Norms are invariant under transposition, so the convention matters only when reading the matrices.
 */
public final class StepJacobians {

    private final R064Store[][] jacobians;

    StepJacobians(R064Store[][] jacobians) {
        this.jacobians = jacobians;
    }

    public int batch() {
        return jacobians.length;
    }

    public int steps() {
        return jacobians[0].length;
    }

    /** {@code ∂h_T/∂h_t} for batch row b, read only. */
    public MatrixStore<Double> jacobian(int b, int t) {
        return jacobians[b][t];
    }

    /** {@code ‖∂h_T/∂h_t‖_F} for batch row b. */
    public double frobeniusNorm(int b, int t) {
        return Matrices.frobenius(jacobians[b][t]);
    }

    /** {@code ‖∂h_T/∂h_t‖₂} (largest singular value) for batch row b. */
    public double spectralNorm(int b, int t) {
        return SpectralNorm.of(jacobians[b][t]);
    }

    /** {@link #spectralNorm} of batch row b for every step t. */
    public double[] spectralNorms(int b) {
        double[] n = new double[steps()];
        for (int t = 0; t < n.length; t++) {
            n[t] = spectralNorm(b, t);
        }
        return n;
    }

    /** {@link #frobeniusNorm} of batch row b for every step t. */
    public double[] frobeniusNorms(int b) {
        double[] n = new double[steps()];
        for (int t = 0; t < n.length; t++) {
            n[t] = frobeniusNorm(b, t);
        }
        return n;
    }
}
