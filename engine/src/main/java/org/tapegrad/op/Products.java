package org.tapegrad.op;

import org.ojalgo.matrix.store.R032Store;
import org.ojalgo.matrix.store.R064Store;
import org.tapegrad.kernel.Kernels;

/** The store-level front of the tape's GEMM kernel: checks the shapes, then hands the arrays over. */
final class Products {

    private Products() {
    }

    /** {@code C (+)= op(A)·op(B)} on the kernels' GEMM, shapes taken from the stores. */
    static void multiply(Kernels kernels, R064Store a, boolean transA, R064Store b, boolean transB, R064Store c, boolean accumulate) {
        int m = transA ? a.getColDim() : a.getRowDim();
        int k = transA ? a.getRowDim() : a.getColDim();
        int kb = transB ? b.getColDim() : b.getRowDim();
        int n = transB ? b.getRowDim() : b.getColDim();
        if (k != kb || c.getRowDim() != m || c.getColDim() != n) {
            throw new IllegalArgumentException("gemm: op(A) " + m + "×" + k + ", op(B) " + kb + "×" + n + ", C " + c.getRowDim() + "×" + c.getColDim() + ": shapes do not fit");
        }
        if (c.data == a.data || c.data == b.data) {
            throw new IllegalArgumentException("gemm: C must not share its array with A or B");
        }
        kernels.gemm().gemm(transA, transB, m, n, k, a.data, b.data, c.data, accumulate);
    }

    /** The float32 {@code C (+)= op(A)·op(B)} on the kernels' float GEMM. */
    static void multiply(Kernels kernels, R032Store a, boolean transA, R032Store b, boolean transB, R032Store c, boolean accumulate) {
        int m = transA ? a.getColDim() : a.getRowDim();
        int k = transA ? a.getRowDim() : a.getColDim();
        int kb = transB ? b.getColDim() : b.getRowDim();
        int n = transB ? b.getRowDim() : b.getColDim();
        if (k != kb || c.getRowDim() != m || c.getColDim() != n) {
            throw new IllegalArgumentException("gemm: op(A) " + m + "×" + k + ", op(B) " + kb + "×" + n + ", C " + c.getRowDim() + "×" + c.getColDim() + ": shapes do not fit");
        }
        if (c.data == a.data || c.data == b.data) {
            throw new IllegalArgumentException("gemm: C must not share its array with A or B");
        }
        kernels.gemm().gemm(transA, transB, m, n, k, a.data, b.data, c.data, accumulate);
    }

    /** {@code dst += alpha·src} over the whole of {@code src}; one pass the JIT vectorizes. */
    static void addInto(double[] src, double[] dst, double alpha) {
        addInto(src, dst, alpha, 0, src.length);
    }

    /** {@code dst[i] += alpha·src[i]} for i in {@code [from, to)}. */
    static void addInto(double[] src, double[] dst, double alpha, int from, int to) {
        if (alpha == 1.0) {
            for (int i = from; i < to; i++) {
                dst[i] += src[i];
            }
        } else {
            for (int i = from; i < to; i++) {
                dst[i] += alpha * src[i];
            }
        }
    }

    /** The float32 {@code dst += alpha·src}. */
    static void addInto(float[] src, float[] dst, float alpha) {
        addInto(src, dst, alpha, 0, src.length);
    }

    /** {@code dst[i] += alpha·src[i]} for i in {@code [from, to)}. */
    static void addInto(float[] src, float[] dst, float alpha, int from, int to) {
        if (alpha == 1f) {
            for (int i = from; i < to; i++) {
                dst[i] += src[i];
            }
        } else {
            for (int i = from; i < to; i++) {
                dst[i] += alpha * src[i];
            }
        }
    }
}
