package org.tapegrad.layers.diag;

import org.ojalgo.matrix.store.MatrixStore;

/** Small dense helpers for the diagnostics. */
final class Matrices {

    private Matrices() {
    }

    /** {@code ‖m‖_F}, accumulated with a running scale so exploding gradients (1e200) do not overflow to ∞. */
    static double frobenius(MatrixStore<Double> m) {
        double scale = 0;
        double ssq = 1;
        long rows = m.countRows();
        long cols = m.countColumns();
        for (long j = 0; j < cols; j++) {
            for (long i = 0; i < rows; i++) {
                double a = Math.abs(m.doubleValue(i, j));
                if (a == 0) {
                    continue;
                }
                if (scale < a) {
                    ssq = 1 + ssq * (scale / a) * (scale / a);
                    scale = a;
                } else {
                    ssq += (a / scale) * (a / scale);
                }
            }
        }
        return scale * Math.sqrt(ssq);
    }

    /** {@code ‖row i of m‖₂}, with the same scaling. */
    static double rowNorm(MatrixStore<Double> m, int i) {
        return frobenius(m.offsets(i, 0).limits(1, (int) m.countColumns()));
    }
}
