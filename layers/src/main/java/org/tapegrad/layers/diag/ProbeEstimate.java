package org.tapegrad.layers.diag;

/**
 * Norms of {@code J = ∂h_T/∂h_t} estimated from {@code probes} random unit seeds {@code u} (uniform on the sphere)
 * per batch row: {@code v = J·u} is the gradient that reaches {@code h_t} when {@code h_T} is seeded with u. Since
 * {@code E[u uᵀ] = I/H_T}, {@code H_T · mean ‖v‖²} is an unbiased estimate of {@code ‖J‖_F²}; {@code max ‖v‖} is a
 * lower bound of {@code ‖J‖₂}. Indexed like {@link StepJacobians}: batch row b, step t.
 */
public final class ProbeEstimate {

    private final double[][] frobenius;
    private final double[][] spectralLowerBound;
    private final int probes;

    ProbeEstimate(double[][] frobenius, double[][] spectralLowerBound, int probes) {
        this.frobenius = frobenius;
        this.spectralLowerBound = spectralLowerBound;
        this.probes = probes;
    }

    public int probes() {
        return probes;
    }

    /** {@code sqrt(H_T · mean ‖J·u‖²)}, the estimate of {@code ‖∂h_T/∂h_t‖_F} for batch row b. */
    public double frobeniusNorm(int b, int t) {
        return frobenius[b][t];
    }

    /** {@code max ‖J·u‖ ≤ ‖∂h_T/∂h_t‖₂} over the probes, for batch row b. */
    public double spectralLowerBound(int b, int t) {
        return spectralLowerBound[b][t];
    }

    /** {@link #frobeniusNorm} of batch row b for every step t. */
    public double[] frobeniusNorms(int b) {
        return frobenius[b].clone();
    }
}
