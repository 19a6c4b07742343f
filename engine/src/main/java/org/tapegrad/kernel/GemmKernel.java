package org.tapegrad.kernel;

/**
 * A double-precision matrix product over column-major arrays: {@code C (+)= op(A) · op(B)} where {@code op(A)} is
 * {@code m×k}, {@code op(B)} is {@code k×n} and {@code C} is {@code m×n}.
 *
 * <p>Storage: {@code A} is {@code m×k} (leading dimension m) or, when {@code transA}, {@code k×m} (leading dimension
 * k); {@code B} is {@code k×n} or, when {@code transB}, {@code n×k}; {@code C} is {@code m×n}. Element (i, j) of an
 * r-row matrix is at {@code i + j·r}. {@code C} must not share its array with {@code A} or {@code B}.
 *
 * <p>Both precisions go through one kernel object, so {@code Kernels} stays one value whatever the tape's element
 * type. The float overload has a plain-Java default (float products summed in float, k in increasing order) so that a
 * kernel written for double only still runs float tapes; the built-in kernels override it.
 */
public interface GemmKernel {

    /** Name used in the start-up log line and in benchmark reports. */
    String name();

    /**
     * The most threads this kernel splits a product over (1 unless it says otherwise); other work of the same tape
     * (a fused step's element-wise instructions) is split over as many.
     */
    default int threads() {
        return 1;
    }

    /**
     * @param accumulate add into {@code C} when true, overwrite it when false
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k, double[] a, double[] b, double[] c, boolean accumulate);

    /**
     * The float32 product, same layout and contract as the double one.
     *
     * @param accumulate add into {@code C} when true, overwrite it when false
     */
    default void gemm(boolean transA, boolean transB, int m, int n, int k, float[] a, float[] b, float[] c, boolean accumulate) {
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < m; i++) {
                float sum = 0f;
                for (int p = 0; p < k; p++) {
                    float x = transA ? a[p + i * k] : a[i + p * m];
                    float y = transB ? b[j + p * n] : b[p + j * k];
                    sum += x * y;
                }
                c[i + j * m] = accumulate ? c[i + j * m] + sum : sum;
            }
        }
    }

    /**
     * {@code op(B)} ({@code k×n}; {@code B} stored {@code n×k} when {@code transB}) laid out once for many products
     * with at least {@code rows} rows of {@code C}, or null when this kernel reads no panels for such products or has
     * no packed form (the default). {@code reuse}, a former result of this kernel or null, lends its arrays when they
     * fit.
     */
    default PackedOperand pack(boolean transB, int k, int n, double[] b, int rows, PackedOperand reuse) {
        return null;
    }

    /** The float32 form of {@link #pack(boolean, int, int, double[], int, PackedOperand)}. */
    default PackedOperand pack(boolean transB, int k, int n, float[] b, int rows, PackedOperand reuse) {
        return null;
    }

    /**
     * {@code C (+)= op(A)·op(B)} with {@code op(B)} packed ({@link #pack}): the bits of the plain product with the
     * operand's source array. The default multiplies by that array.
     *
     * @throws IllegalArgumentException if the operand is not {@code k×n}
     */
    default void gemm(boolean transA, int m, int n, int k, double[] a, PackedOperand b, double[] c, boolean accumulate) {
        b.requireShape("gemm", k, n);
        gemm(transA, b.transposed(), m, n, k, a, b.source64(), c, accumulate);
    }

    /** The float32 form of {@link #gemm(boolean, int, int, int, double[], PackedOperand, double[], boolean)}. */
    default void gemm(boolean transA, int m, int n, int k, float[] a, PackedOperand b, float[] c, boolean accumulate) {
        b.requireShape("gemm", k, n);
        gemm(transA, b.transposed(), m, n, k, a, b.source32(), c, accumulate);
    }
}
