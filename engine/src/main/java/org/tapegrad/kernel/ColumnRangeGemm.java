package org.tapegrad.kernel;

/**
 * A GEMM that computes any range of columns of {@code C} on the calling thread with the same arithmetic as its whole
 * product, so that an op with several products can split all of them over threads by columns in one hand-off
 * ({@link SplitWork#shares}) and still give the bits of one thread.
 */
public interface ColumnRangeGemm extends GemmKernel {

    /**
     * Columns {@code [from, to)} of {@code C (+)= op(A)·op(B)} (layout as {@link GemmKernel#gemm}), on this thread;
     * {@code from} is a multiple of {@link SplitWork#ALIGN} unless it is 0, and each column gets the bits the whole
     * product gives it.
     */
    void gemmColumns(boolean transA, boolean transB, int m, int n, int k, double[] a, double[] b, double[] c, boolean accumulate,
            int from, int to);

    /** The float32 form of {@link #gemmColumns(boolean, boolean, int, int, int, double[], double[], double[], boolean, int, int)}. */
    void gemmColumns(boolean transA, boolean transB, int m, int n, int k, float[] a, float[] b, float[] c, boolean accumulate,
            int from, int to);

    /**
     * Columns {@code [from, to)} of {@code C (+)= op(A)·op(B)} with {@code op(B)} packed ({@link #pack}), on this
     * thread: the bits of the plain product. The default multiplies by the operand's source array.
     */
    default void gemmColumns(boolean transA, int m, int n, int k, double[] a, PackedOperand b, double[] c, boolean accumulate,
            int from, int to) {
        b.requireShape("gemmColumns", k, n);
        gemmColumns(transA, b.transposed(), m, n, k, a, b.source64(), c, accumulate, from, to);
    }

    /** The float32 form of {@link #gemmColumns(boolean, int, int, int, double[], PackedOperand, double[], boolean, int, int)}. */
    default void gemmColumns(boolean transA, int m, int n, int k, float[] a, PackedOperand b, float[] c, boolean accumulate,
            int from, int to) {
        b.requireShape("gemmColumns", k, n);
        gemmColumns(transA, b.transposed(), m, n, k, a, b.source32(), c, accumulate, from, to);
    }
}
