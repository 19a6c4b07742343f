package org.tapegrad.op;

/**
 * Row-wise softmax over a column-major {@code m×n} array, sweeping column by column with m running maxima (rows are
 * strided, so a per-row loop would jump through memory).
 */
final class RowSoftmax {

    private RowSoftmax() {
    }

    /**
     * Writes {@code softmax(x[i, :])} into {@code p} and {@code log Σ_j e^{x_ij}} (with max subtraction) into
     * {@code logSumExp[0..m)}; {@code rowSums[0..m)} is scratch.
     */
    static void compute(double[] x, int m, int n, double[] p, double[] logSumExp, double[] rowSums) {
        double[] max = logSumExp;
        System.arraycopy(x, 0, max, 0, m);
        for (int j = 1; j < n; j++) {
            int o = j * m;
            for (int i = 0; i < m; i++) {
                max[i] = Math.max(max[i], x[o + i]);
            }
        }
        double[] sum = rowSums;
        java.util.Arrays.fill(sum, 0, m, 0.0);
        for (int j = 0; j < n; j++) {
            int o = j * m;
            for (int i = 0; i < m; i++) {
                double e = Math.exp(x[o + i] - max[i]);
                p[o + i] = e;
                sum[i] += e;
            }
        }
        for (int j = 0; j < n; j++) {
            int o = j * m;
            for (int i = 0; i < m; i++) {
                p[o + i] /= sum[i];
            }
        }
        for (int i = 0; i < m; i++) {
            logSumExp[i] = max[i] + Math.log(sum[i]);
        }
    }
}
