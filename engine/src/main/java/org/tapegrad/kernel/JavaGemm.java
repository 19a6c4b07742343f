package org.tapegrad.kernel;

/**
 * Plain-Java matrix product written so that C2 vectorizes its inner loop: every inner loop runs over one column of
 * {@code C} and one column of {@code A}, two distinct arrays, and four columns of {@code A} are folded into each
 * pass so {@code C} is loaded and stored a quarter as often. {@code Aᵀ} is packed first so all four forms share the
 * same loop. This is the fallback when the Vector API module is absent. Large products are split over blocks of
 * columns of {@code C} across {@link GemmThreads}.
 */
public final class JavaGemm implements GemmKernel {

    private static final ThreadLocal<double[]> PACK = ThreadLocal.withInitial(() -> new double[0]);

    private final int threads;

    /** The kernel with the configured number of threads ({@code tapegrad.threads}). */
    public JavaGemm() {
        this(GemmThreads.THREADS);
    }

    /** The kernel with at most {@code threads} threads (capped by the configuration and the cores). */
    public JavaGemm(int threads) {
        this.threads = GemmThreads.cap(threads);
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
        double[] aCols = transA ? packTransposed(a, k, m) : a;
        long work = (long) m * n * k;
        if (threads == 1 || work < GemmThreads.MIN_PARALLEL_WORK) {
            columns(transB, m, n, k, aCols, b, c, 0, n);
        } else {
            GemmThreads.forColumns(n, 1, work, threads, (from, to) -> columns(transB, m, n, k, aCols, b, c, from, to));
        }
    }

    /** Columns {@code [j0, j1)} of {@code C += op(A)·op(B)} where {@code aCols} holds {@code op(A)} untransposed. */
    private static void columns(boolean transB, int m, int n, int k, double[] aCols, double[] b, double[] c, int j0, int j1) {
        // B(p, j) lives at p + j·k, or at j + p·n when B is stored transposed.
        int bRowStride = transB ? n : 1;
        int bColStride = transB ? 1 : k;
        for (int j = j0; j < j1; j++) {
            int cj = j * m;
            int bj = j * bColStride;
            int p = 0;
            for (; p + 3 < k; p += 4) {
                double b0 = b[bj + p * bRowStride];
                double b1 = b[bj + (p + 1) * bRowStride];
                double b2 = b[bj + (p + 2) * bRowStride];
                double b3 = b[bj + (p + 3) * bRowStride];
                int a0 = p * m;
                int a1 = a0 + m;
                int a2 = a1 + m;
                int a3 = a2 + m;
                for (int i = 0; i < m; i++) {
                    c[cj + i] += aCols[a0 + i] * b0 + aCols[a1 + i] * b1 + aCols[a2 + i] * b2 + aCols[a3 + i] * b3;
                }
            }
            for (; p < k; p++) {
                double bp = b[bj + p * bRowStride];
                int ap = p * m;
                for (int i = 0; i < m; i++) {
                    c[cj + i] += aCols[ap + i] * bp;
                }
            }
        }
    }

    /** Copies the {@code rows×cols} column-major matrix {@code a} transposed into a thread-local buffer. */
    private static double[] packTransposed(double[] a, int rows, int cols) {
        double[] t = PACK.get();
        if (t.length < rows * cols) {
            t = new double[rows * cols];
            PACK.set(t);
        }
        for (int j = 0; j < cols; j++) {
            int src = j * rows;
            for (int i = 0; i < rows; i++) {
                t[j + i * cols] = a[src + i];
            }
        }
        return t;
    }
}
