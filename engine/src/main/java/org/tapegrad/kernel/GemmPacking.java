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
     * Packs {@code op(B)[p0, p0+kc) × [j0, j1)} into panels of {@code nr} columns: panel {@code q} starts at
     * {@code q·nr·kc}, and step {@code p} of a panel holds its {@code nr} columns contiguously (columns past
     * {@code j1} are zero).
     */
    static void packB(double[] b, boolean transB, int k, int n, int p0, int kc, int j0, int j1, int nr, double[] dst) {
        int panels = (j1 - j0 + nr - 1) / nr;
        if (transB) {
            // B(p, j) at j + p·n: walk each step's row once, across all panels (reading down the panels instead
            // strides by n, often a multiple of 4 KB, and was no faster).
            for (int p = 0; p < kc; p++) {
                int src = (p0 + p) * n;
                for (int q = 0; q < panels; q++) {
                    int jq = j0 + q * nr;
                    int cols = Math.min(nr, j1 - jq);
                    int at = q * nr * kc + p * nr;
                    for (int j = 0; j < cols; j++) {
                        dst[at + j] = b[src + jq + j];
                    }
                    for (int j = cols; j < nr; j++) {
                        dst[at + j] = 0.0;
                    }
                }
            }
            return;
        }
        // B(p, j) at p + j·k: read each column contiguously.
        for (int q = 0; q < panels; q++) {
            int jq = j0 + q * nr;
            int cols = Math.min(nr, j1 - jq);
            int at = q * nr * kc;
            for (int j = 0; j < cols; j++) {
                int src = p0 + (jq + j) * k;
                for (int p = 0; p < kc; p++) {
                    dst[at + p * nr + j] = b[src + p];
                }
            }
            for (int j = cols; j < nr; j++) {
                for (int p = 0; p < kc; p++) {
                    dst[at + p * nr + j] = 0.0;
                }
            }
        }
    }
}
