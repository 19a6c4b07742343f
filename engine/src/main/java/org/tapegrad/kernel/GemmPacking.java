package org.tapegrad.kernel;

/**
 * Copies of pieces of {@code op(A)} and {@code op(B)} into the contiguous, zero-padded layouts the micro-kernels
 * read, whatever the transpose form of the source. Storage conventions are those of {@link GemmKernel}.
 */
final class GemmPacking {

    private GemmPacking() {
    }

    /**
     * Packs {@code op(A)[i0, i0+mc) × [p0, p0+kc)} into panels of {@code mr} rows: panel {@code q} starts at
     * {@code q·mr·kc}, and step {@code p} of a panel holds its {@code mr} rows contiguously (rows past {@code mc} are
     * zero).
     */
    static void packA(double[] a, boolean transA, int m, int k, int i0, int mc, int p0, int kc, int mr, double[] dst) {
        for (int ir = 0; ir < mc; ir += mr) {
            int rows = Math.min(mr, mc - ir);
            int base = ir * kc;
            if (transA) {
                // A(i, p) at p + i·k: read each row of op(A) contiguously.
                for (int r = 0; r < rows; r++) {
                    int src = p0 + (i0 + ir + r) * k;
                    for (int p = 0; p < kc; p++) {
                        dst[base + p * mr + r] = a[src + p];
                    }
                }
            } else {
                // A(i, p) at i + p·m: each step is a contiguous run of rows.
                for (int p = 0; p < kc; p++) {
                    System.arraycopy(a, i0 + ir + (p0 + p) * m, dst, base + p * mr, rows);
                }
            }
            if (rows < mr) {
                for (int p = 0; p < kc; p++) {
                    java.util.Arrays.fill(dst, base + p * mr + rows, base + (p + 1) * mr, 0.0);
                }
            }
        }
    }

    /**
     * Packs {@code op(B)[p0, p0+kc) × [j0, j0+cols)} into {@code dst} from {@code at} as {@code kc}
     * steps of {@code nr} contiguous columns (columns past {@code cols} are zero).
     */
    static void packB(double[] b, boolean transB, int k, int n, int p0, int kc, int j0, int cols, int nr, double[] dst, int at) {
        if (transB) {
            // B(p, j) at j + p·n: each step is a contiguous run of columns.
            for (int p = 0; p < kc; p++) {
                System.arraycopy(b, j0 + (p0 + p) * n, dst, at + p * nr, cols);
            }
        } else {
            // B(p, j) at p + j·k: read each column contiguously.
            for (int j = 0; j < cols; j++) {
                int src = p0 + (j0 + j) * k;
                for (int p = 0; p < kc; p++) {
                    dst[at + p * nr + j] = b[src + p];
                }
            }
        }
        if (cols < nr) {
            for (int p = 0; p < kc; p++) {
                java.util.Arrays.fill(dst, at + p * nr + cols, at + (p + 1) * nr, 0.0);
            }
        }
    }
}
