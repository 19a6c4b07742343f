package org.tapegrad.kernel;

import org.ojalgo.matrix.store.MatrixStore;
import org.ojalgo.matrix.store.R064Store;

/** ojAlgo's own {@code fillByMultiplying}, kept selectable as the reference the other kernels are tested against. */
public final class OjAlgoGemm implements GemmKernel {

    @Override
    public String name() {
        return "ojalgo";
    }

    /**
     * The {@code rows×cols} store over {@code data}: the array itself when it has exactly that size (ojAlgo then takes
     * its dense kernel), a limited view of it when it is longer (ojAlgo's generic path, ≈6× slower).
     */
    private static MatrixStore<Double> operand(double[] data, int rows, int cols) {
        R064Store whole = R064Store.wrap(data, rows);
        return data.length == rows * cols ? whole : whole.limits(rows, cols);
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, double[] a, double[] b, double[] c, boolean accumulate) {
        if (m == 0 || n == 0 || k == 0) {
            // ojAlgo cannot wrap an empty array; the product is empty or zero.
            if (!accumulate) {
                java.util.Arrays.fill(c, 0, m * n, 0.0);
            }
            return;
        }
        MatrixStore<Double> left = transA ? operand(a, k, m).transpose() : operand(a, m, k);
        MatrixStore<Double> right = transB ? operand(b, n, k).transpose() : operand(b, k, n);
        R064Store product = R064Store.FACTORY.make(m, n);
        product.fillByMultiplying(left, right);
        if (accumulate) {
            for (int i = 0; i < m * n; i++) {
                c[i] += product.data[i];
            }
        } else {
            System.arraycopy(product.data, 0, c, 0, m * n);
        }
    }
}
