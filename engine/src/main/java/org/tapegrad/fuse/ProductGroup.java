package org.tapegrad.fuse;

import org.tapegrad.kernel.Kernels;

/**
 * {@code Y = Σ_k A_k·W_k + Σ_l b_l}: the products of several gates that share their left operands, each {@code W_k} the
 * gates' weights side by side and each {@code b_l} their biases side by side (any number, also none); the gates are column views of Y.
 * VJP: {@code Ā_k += Ȳ·W_kᵀ, W̄_k += A_kᵀ·Ȳ, b̄_l += Σ_rows Ȳ}. Every operand is a whole buffer.
 */
final class ProductGroup extends Instruction {

    private final Ref[] left;
    private final Ref[] weights;
    private final Ref[] biases;
    private final Ref y;

    ProductGroup(Ref[] left, Ref[] weights, Ref[] biases, Ref y) {
        this.left = left;
        this.weights = weights;
        this.biases = biases;
        this.y = y;
    }

    @Override
    void forward(double[][] values, Kernels kernels) {
        int m = y.rows();
        int n = y.cols();
        double[] out = array(values, y);
        for (int k = 0; k < left.length; k++) {
            kernels.gemm().gemm(false, false, m, n, left[k].cols(), array(values, left[k]), array(values, weights[k]), out, k > 0);
        }
        for (Ref bias : biases) {
            double[] b = array(values, bias);
            for (int j = 0; j < n; j++) {
                double bj = b[j];
                int o = j * m;
                for (int i = 0; i < m; i++) {
                    out[o + i] += bj;
                }
            }
        }
    }

    @Override
    void backward(double[][] values, double[][] grads, Kernels kernels) {
        int m = y.rows();
        int n = y.cols();
        double[] g = array(grads, y);
        for (int k = 0; k < left.length; k++) {
            int inner = left[k].cols();
            double[] da = array(grads, left[k]);
            if (da != null) {
                kernels.gemm().gemm(false, true, m, inner, n, g, array(values, weights[k]), da, true);
            }
            double[] dw = array(grads, weights[k]);
            if (dw != null) {
                kernels.gemm().gemm(true, false, inner, n, m, array(values, left[k]), g, dw, true);
            }
        }
        for (Ref bias : biases) {
            double[] db = array(grads, bias);
            if (db == null) {
                continue;
            }
            for (int j = 0; j < n; j++) {
                double s = 0;
                int o = j * m;
                for (int i = 0; i < m; i++) {
                    s += g[o + i];
                }
                db[j] += s;
            }
        }
    }

    @Override
    void forward32(float[][] values, Kernels kernels) {
        int m = y.rows();
        int n = y.cols();
        float[] out = array(values, y);
        for (int k = 0; k < left.length; k++) {
            kernels.gemm().gemm(false, false, m, n, left[k].cols(), array(values, left[k]), array(values, weights[k]), out, k > 0);
        }
        for (Ref bias : biases) {
            float[] b = array(values, bias);
            for (int j = 0; j < n; j++) {
                float bj = b[j];
                int o = j * m;
                for (int i = 0; i < m; i++) {
                    out[o + i] += bj;
                }
            }
        }
    }

    @Override
    void backward32(float[][] values, float[][] grads, Kernels kernels) {
        int m = y.rows();
        int n = y.cols();
        float[] g = array(grads, y);
        for (int k = 0; k < left.length; k++) {
            int inner = left[k].cols();
            float[] da = array(grads, left[k]);
            if (da != null) {
                kernels.gemm().gemm(false, true, m, inner, n, g, array(values, weights[k]), da, true);
            }
            float[] dw = array(grads, weights[k]);
            if (dw != null) {
                kernels.gemm().gemm(true, false, inner, n, m, array(values, left[k]), g, dw, true);
            }
        }
        for (Ref bias : biases) {
            float[] db = array(grads, bias);
            if (db == null) {
                continue;
            }
            for (int j = 0; j < n; j++) {
                double s = 0;   // reductions in double, as the tape's ops do
                int o = j * m;
                for (int i = 0; i < m; i++) {
                    s += g[o + i];
                }
                db[j] += (float) s;
            }
        }
    }

    @Override
    Ref[] operands() {
        Ref[] r = new Ref[left.length + weights.length + biases.length];
        System.arraycopy(left, 0, r, 0, left.length);
        System.arraycopy(weights, 0, r, left.length, weights.length);
        System.arraycopy(biases, 0, r, left.length + weights.length, biases.length);
        return r;
    }

    @Override
    String describe() {
        StringBuilder s = new StringBuilder("products ");
        for (int k = 0; k < left.length; k++) {
            s.append(k == 0 ? "" : " + ").append(left[k].rows()).append("×").append(left[k].cols()).append("·")
                    .append(weights[k].rows()).append("×").append(weights[k].cols());
        }
        return s.append(" + ").append(biases.length).append(" bias rows").toString();
    }
}
