package org.tapegrad.kernel;

/**
 * A GEMM that computes any range of columns of {@code C} on the calling thread with the same arithmetic as its whole
 * product, so that an op with several products can split all of them over threads by columns in one hand-off
 * ({@link SplitWork#shares}) and still give the bits of one thread.
 */
public interface ColumnRangeGemm extends GemmKernel {

    /**
     * Columns {@code [from, to)} of {@code C (+)= op(A)·op(B)} (layout as {@link GemmKernel#gemm}), on this thread,
     * for any {@code 0 ≤ from ≤ to ≤ n}: each column gets the bits the whole product gives it.
     */
    void gemmColumns(boolean transA, boolean transB, int m, int n, int k, double[] a, double[] b, double[] c, boolean accumulate,
            int from, int to);

    /** The float32 form of {@link #gemmColumns(boolean, boolean, int, int, int, double[], double[], double[], boolean, int, int)}. */
    void gemmColumns(boolean transA, boolean transB, int m, int n, int k, float[] a, float[] b, float[] c, boolean accumulate,
            int from, int to);

    /**
     * Columns of one packed panel of B ({@link #pack}) in float32 or float64 products: a range of columns that starts
     * at a multiple of it reads the panels packed beforehand, any other range packs its part of B again. Share
     * boundaries are cut at such multiples ({@link SplitWork#start(int, int, int, int)}). 1 for a kernel without
     * panels.
     */
    default int panelColumns(boolean float32) {
        return 1;
    }

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
