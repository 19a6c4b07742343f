package org.tapegrad.kernel;

/**
 * A double-precision matrix product over column-major arrays: {@code C (+)= op(A) · op(B)} where {@code op(A)} is
 * {@code m×k}, {@code op(B)} is {@code k×n} and {@code C} is {@code m×n}.
 *
 * <p>Storage: {@code A} is {@code m×k} (leading dimension m) or, when {@code transA}, {@code k×m} (leading dimension
 * k); {@code B} is {@code k×n} or, when {@code transB}, {@code n×k}; {@code C} is {@code m×n}. Element (i, j) of an
 * r-row matrix is at {@code i + j·r}. {@code C} must not share its array with {@code A} or {@code B}.
 */
public interface GemmKernel {

    /** Name used in the start-up log line and in benchmark reports. */
    String name();

    /**
     * @param accumulate add into {@code C} when true, overwrite it when false
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k, double[] a, double[] b, double[] c, boolean accumulate);
}
