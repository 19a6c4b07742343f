package org.tapegrad.kernel;

/**
 * Plain-Java matrix product written so that C2 vectorizes its inner loop. C2 (17) only vectorizes
 * {@code y[i] += a[i]·s} reliably when both arrays are indexed from 0, not at two unrelated offsets into arrays it
 * cannot prove distinct — the reason ojAlgo's kernel runs at ≈5% of peak. So the columns of {@code op(A)} are
 * copied into arrays of their own, one column of {@code C} is accumulated in a private array, four columns of
 * {@code A} are folded into each pass, and the finished column is copied into {@code C}: measured 2–4× faster than
 * the same loop over offsets. A single row ({@code m < 4}) is done as dot products instead, where a loop over m would
 * be all overhead. The float32 product is the same code in float. This is the fallback when the Vector API module is absent; large products are split over blocks
 * of columns of {@code C} across {@link GemmThreads}.
 */
public final class JavaGemm implements GemmKernel {

    private static final int DOT_PRODUCT_ROWS = 4;
    private static final ThreadLocal<double[][]> COLUMNS = ThreadLocal.withInitial(() -> new double[0][]);
    private static final ThreadLocal<double[]> ACCUMULATOR = ThreadLocal.withInitial(() -> new double[0]);
    private static final ThreadLocal<float[][]> FLOAT_COLUMNS = ThreadLocal.withInitial(() -> new float[0][]);
    private static final ThreadLocal<float[]> FLOAT_ACCUMULATOR = ThreadLocal.withInitial(() -> new float[0]);

    private final int threads;

    /** The kernel with the configured number of threads ({@code tapegrad.threads}). */
    public JavaGemm() {
        this(GemmThreads.configured());
    }

    /** The kernel with at most {@code threads} threads (capped by the configuration and the cores). */
    public JavaGemm(int threads) {
        this.threads = GemmThreads.cap(threads);
    }

    @Override
    public int threads() {
        return threads;
    }

    @Override
    public String name() {
        return "java";
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, double[] a, double[] b, double[] c, boolean accumulate) {
        if (!accumulate) {
            java.util.Arrays.fill(c, 0, m * n, 0.0);
        }
        if (m == 0 || n == 0 || k == 0) {
            return;
        }
        if (m < DOT_PRODUCT_ROWS) {
            dotProducts(transA, transB, m, n, k, a, b, c);
            return;
        }
        double[][] aCols = packColumns(transA, a, m, k);
        long work = (long) m * n * k;
        if (threads == 1 || work < GemmThreads.MIN_PARALLEL_WORK) {
            columns(transB, m, n, k, aCols, b, c, 0, n);
        } else {
            GemmThreads.forColumns(n, 1, work, threads, (from, to) -> columns(transB, m, n, k, aCols, b, c, from, to));
        }
    }

    /** Columns {@code [j0, j1)} of {@code C += op(A)·op(B)}; {@code aCols[p]} is column p of {@code op(A)}. */
    private static void columns(boolean transB, int m, int n, int k, double[][] aCols, double[] b, double[] c, int j0, int j1) {
        // B(p, j) lives at p + j·k, or at j + p·n when B is stored transposed.
        int bRowStride = transB ? n : 1;
        int bColStride = transB ? 1 : k;
        double[] acc = accumulator(m);
        for (int j = j0; j < j1; j++) {
            int cj = j * m;
            int bj = j * bColStride;
            System.arraycopy(c, cj, acc, 0, m);
            int p = 0;
            for (; p + 3 < k; p += 4) {
                double b0 = b[bj + p * bRowStride];
                double b1 = b[bj + (p + 1) * bRowStride];
                double b2 = b[bj + (p + 2) * bRowStride];
                double b3 = b[bj + (p + 3) * bRowStride];
                double[] a0 = aCols[p];
                double[] a1 = aCols[p + 1];
                double[] a2 = aCols[p + 2];
                double[] a3 = aCols[p + 3];
                for (int i = 0; i < m; i++) {
                    acc[i] += a0[i] * b0 + a1[i] * b1 + a2[i] * b2 + a3[i] * b3;
                }
            }
            for (; p < k; p++) {
                double bp = b[bj + p * bRowStride];
                double[] ap = aCols[p];
                for (int i = 0; i < m; i++) {
                    acc[i] += ap[i] * bp;
                }
            }
            System.arraycopy(acc, 0, c, cj, m);
        }
    }

    /** {@code C(i, j) += Σ_p op(A)(i, p)·op(B)(p, j)} with four independent partial sums per element. */
    private static void dotProducts(boolean transA, boolean transB, int m, int n, int k, double[] a, double[] b, double[] c) {
        int aRowStride = transA ? k : 1;
        int aColStride = transA ? 1 : m;
        int bRowStride = transB ? n : 1;
        int bColStride = transB ? 1 : k;
        for (int j = 0; j < n; j++) {
            int bj = j * bColStride;
            for (int i = 0; i < m; i++) {
                int ai = i * aRowStride;
                double s0 = 0;
                double s1 = 0;
                double s2 = 0;
                double s3 = 0;
                int p = 0;
                for (; p + 3 < k; p += 4) {
                    s0 += a[ai + p * aColStride] * b[bj + p * bRowStride];
                    s1 += a[ai + (p + 1) * aColStride] * b[bj + (p + 1) * bRowStride];
                    s2 += a[ai + (p + 2) * aColStride] * b[bj + (p + 2) * bRowStride];
                    s3 += a[ai + (p + 3) * aColStride] * b[bj + (p + 3) * bRowStride];
                }
                for (; p < k; p++) {
                    s0 += a[ai + p * aColStride] * b[bj + p * bRowStride];
                }
                c[i + j * m] += (s0 + s1) + (s2 + s3);
            }
        }
    }

    /** The k columns of {@code op(A)} ({@code m×k}) as separate arrays, in a thread-local cache that only grows. */
    private static double[][] packColumns(boolean transA, double[] a, int m, int k) {
        double[][] cols = COLUMNS.get();
        if (cols.length < k || (k > 0 && cols[0].length < m)) {
            int width = Math.max(m, cols.length == 0 ? 0 : cols[0].length);
            cols = new double[Math.max(k, cols.length)][width];
            COLUMNS.set(cols);
        }
        for (int p = 0; p < k; p++) {
            double[] col = cols[p];
            if (transA) {
                // op(A) = Aᵀ with A stored k×m: column p of Aᵀ is row p of A
                for (int i = 0; i < m; i++) {
                    col[i] = a[p + i * k];
                }
            } else {
                System.arraycopy(a, p * m, col, 0, m);
            }
        }
        return cols;
    }

    private static double[] accumulator(int m) {
        double[] acc = ACCUMULATOR.get();
        if (acc.length < m) {
            acc = new double[m];
            ACCUMULATOR.set(acc);
        }
        return acc;
    }

    /** The float32 product: the same loops in float, float sums in the same order. */
    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float[] a, float[] b, float[] c, boolean accumulate) {
        if (!accumulate) {
            java.util.Arrays.fill(c, 0, m * n, 0f);
        }
        if (m == 0 || n == 0 || k == 0) {
            return;
        }
        if (m < DOT_PRODUCT_ROWS) {
            dotProducts(transA, transB, m, n, k, a, b, c);
            return;
        }
        float[][] aCols = packFloatColumns(transA, a, m, k);
        long work = (long) m * n * k;
        if (threads == 1 || work < GemmThreads.MIN_PARALLEL_WORK) {
            columns(transB, m, n, k, aCols, b, c, 0, n);
        } else {
            GemmThreads.forColumns(n, 1, work, threads, (from, to) -> columns(transB, m, n, k, aCols, b, c, from, to));
        }
    }

    /** {@link #columns(boolean, int, int, int, double[][], double[], double[], int, int)} in float. */
    private static void columns(boolean transB, int m, int n, int k, float[][] aCols, float[] b, float[] c, int j0, int j1) {
        // B(p, j) lives at p + j·k, or at j + p·n when B is stored transposed.
        int bRowStride = transB ? n : 1;
        int bColStride = transB ? 1 : k;
        float[] acc = floatAccumulator(m);
        for (int j = j0; j < j1; j++) {
            int cj = j * m;
            int bj = j * bColStride;
            System.arraycopy(c, cj, acc, 0, m);
            int p = 0;
            for (; p + 3 < k; p += 4) {
                float b0 = b[bj + p * bRowStride];
                float b1 = b[bj + (p + 1) * bRowStride];
                float b2 = b[bj + (p + 2) * bRowStride];
                float b3 = b[bj + (p + 3) * bRowStride];
                float[] a0 = aCols[p];
                float[] a1 = aCols[p + 1];
                float[] a2 = aCols[p + 2];
                float[] a3 = aCols[p + 3];
                for (int i = 0; i < m; i++) {
                    acc[i] += a0[i] * b0 + a1[i] * b1 + a2[i] * b2 + a3[i] * b3;
                }
            }
            for (; p < k; p++) {
                float bp = b[bj + p * bRowStride];
                float[] ap = aCols[p];
                for (int i = 0; i < m; i++) {
                    acc[i] += ap[i] * bp;
                }
            }
            System.arraycopy(acc, 0, c, cj, m);
        }
    }

    /** {@link #dotProducts(boolean, boolean, int, int, int, double[], double[], double[])} in float. */
    private static void dotProducts(boolean transA, boolean transB, int m, int n, int k, float[] a, float[] b, float[] c) {
        int aRowStride = transA ? k : 1;
        int aColStride = transA ? 1 : m;
        int bRowStride = transB ? n : 1;
        int bColStride = transB ? 1 : k;
        for (int j = 0; j < n; j++) {
            int bj = j * bColStride;
            for (int i = 0; i < m; i++) {
                int ai = i * aRowStride;
                float s0 = 0f;
                float s1 = 0f;
                float s2 = 0f;
                float s3 = 0f;
                int p = 0;
                for (; p + 3 < k; p += 4) {
                    s0 += a[ai + p * aColStride] * b[bj + p * bRowStride];
                    s1 += a[ai + (p + 1) * aColStride] * b[bj + (p + 1) * bRowStride];
                    s2 += a[ai + (p + 2) * aColStride] * b[bj + (p + 2) * bRowStride];
                    s3 += a[ai + (p + 3) * aColStride] * b[bj + (p + 3) * bRowStride];
                }
                for (; p < k; p++) {
                    s0 += a[ai + p * aColStride] * b[bj + p * bRowStride];
                }
                c[i + j * m] += (s0 + s1) + (s2 + s3);
            }
        }
    }

    /** {@link #packColumns(boolean, double[], int, int)} in float. */
    private static float[][] packFloatColumns(boolean transA, float[] a, int m, int k) {
        float[][] cols = FLOAT_COLUMNS.get();
        if (cols.length < k || (k > 0 && cols[0].length < m)) {
            int width = Math.max(m, cols.length == 0 ? 0 : cols[0].length);
            cols = new float[Math.max(k, cols.length)][width];
            FLOAT_COLUMNS.set(cols);
        }
        for (int p = 0; p < k; p++) {
            float[] col = cols[p];
            if (transA) {
                // op(A) = Aᵀ with A stored k×m: column p of Aᵀ is row p of A
                for (int i = 0; i < m; i++) {
                    col[i] = a[p + i * k];
                }
            } else {
                System.arraycopy(a, p * m, col, 0, m);
            }
        }
        return cols;
    }

    private static float[] floatAccumulator(int m) {
        float[] acc = FLOAT_ACCUMULATOR.get();
        if (acc.length < m) {
            acc = new float[m];
            FLOAT_ACCUMULATOR.set(acc);
        }
        return acc;
    }
}
