package org.tapegrad.op;

/**
 * Row-wise softmax over a column-major {@code m×n} array, sweeping column by column with m running maxima (rows are
 * strided, so a per-row loop would jump through memory).
 */
final class RowSoftmax {

    private RowSoftmax() {
    }

    /**
     * Writes {@code softmax(x[i, :])} into {@code p}, {@code max_j x_ij} into {@code rowMax[0..m)} and
     * {@code log Σ_j e^{x_ij − max}} (in [0, log n]) into {@code rowLogSum[0..m)}. Keeping the two apart lets a
     * caller subtract logits relative to the maximum first: {@code max + logSum − x_t} loses everything for logits of
     * 1e17, {@code (max − x_t) + logSum} nothing.
     */
    static void compute(double[] x, int m, int n, double[] p, double[] rowMax, double[] rowLogSum) {
        double[] max = rowMax;
        System.arraycopy(x, 0, max, 0, m);
        for (int j = 1; j < n; j++) {
            int o = j * m;
            for (int i = 0; i < m; i++) {
                max[i] = Math.max(max[i], x[o + i]);
            }
        }
        double[] sum = rowLogSum;
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
            sum[i] = Math.log(sum[i]);
        }
    }

    /**
     * The float32 form: maxima, exponentials and sums in double, each probability rounded once to float (the
     * exponentials are evaluated twice rather than stored in float before the division).
     */
    static void compute(float[] x, int m, int n, float[] p, double[] rowMax, double[] rowLogSum) {
        double[] max = rowMax;
        for (int i = 0; i < m; i++) {
            max[i] = x[i];
        }
        for (int j = 1; j < n; j++) {
            int o = j * m;
            for (int i = 0; i < m; i++) {
                max[i] = Math.max(max[i], x[o + i]);
            }
        }
        double[] sum = rowLogSum;
        java.util.Arrays.fill(sum, 0, m, 0.0);
        for (int j = 0; j < n; j++) {
            int o = j * m;
            for (int i = 0; i < m; i++) {
                sum[i] += Math.exp(x[o + i] - max[i]);
            }
        }
        for (int j = 0; j < n; j++) {
            int o = j * m;
            for (int i = 0; i < m; i++) {
                p[o + i] = (float) (Math.exp(x[o + i] - max[i]) / sum[i]);
            }
        }
        for (int i = 0; i < m; i++) {
            sum[i] = Math.log(sum[i]);
        }
    }
}
