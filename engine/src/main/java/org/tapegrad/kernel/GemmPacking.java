package org.tapegrad.kernel;

/**
 * Copies of pieces of {@code op(A)} and {@code op(B)} into the contiguous, zero-padded layouts the micro-kernels
 * read, whatever the transpose form of the source. Storage conventions are those of {@link GemmKernel}.
 */
final class GemmPacking {

    /** Steps of a transposed B packed together: 8 steps of a 4-column panel fill four cache lines (two in floats). */
    private static final int STEPS = 8;

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
     * Elements of the panels of a whole {@code k×n} right operand in panels of {@code nr} columns (n rounded up to
     * whole panels), or −1 when they do not fit in one array.
     */
    static int panelElements(int k, int n, int nr) {
        long size = (long) k * ((n + nr - 1) / nr) * nr;
        return size > Integer.MAX_VALUE - 8 ? -1 : (int) size;
    }

    /**
     * Packs {@code op(B)[p0, p0+kc) × [j0, j1)} into panels of {@code nr} columns: panel {@code q} starts at
     * {@code dstOffset + q·nr·kc}, and step {@code p} of a panel holds its {@code nr} columns contiguously (columns past
     * {@code j1} are zero).
     */
    static void packB(double[] b, boolean transB, int k, int n, int p0, int kc, int j0, int j1, int nr, double[] dst, int dstOffset) {
        int panels = (j1 - j0 + nr - 1) / nr;
        if (transB) {
            // B(p, j) at j + p·n. Steps are taken a few at a time and written panel by panel: writing one step across
            // all panels strides by nr·kc doubles (8 KB at kc = 256), so every write hit the same L1 set.
            for (int pb = 0; pb < kc; pb += STEPS) {
                int steps = Math.min(STEPS, kc - pb);
                for (int q = 0; q < panels; q++) {
                    int jq = j0 + q * nr;
                    int cols = Math.min(nr, j1 - jq);
                    int at = dstOffset + q * nr * kc + pb * nr;
                    int src = (p0 + pb) * n + jq;
                    if (cols == 4 && nr == 4) {
                        for (int p = 0; p < steps; p++, at += 4, src += n) {
                            dst[at] = b[src];
                            dst[at + 1] = b[src + 1];
                            dst[at + 2] = b[src + 2];
                            dst[at + 3] = b[src + 3];
                        }
                        continue;
                    }
                    for (int p = 0; p < steps; p++, at += nr, src += n) {
                        for (int j = 0; j < cols; j++) {
                            dst[at + j] = b[src + j];
                        }
                        for (int j = cols; j < nr; j++) {
                            dst[at + j] = 0.0;
                        }
                    }
                }
            }
            return;
        }
        // B(p, j) at p + j·k: read each column contiguously.
        for (int q = 0; q < panels; q++) {
            int jq = j0 + q * nr;
            int cols = Math.min(nr, j1 - jq);
            int at = dstOffset + q * nr * kc;
            if (cols == 4 && nr == 4) {
                // One pass down four columns, writing each step's four values together.
                int s0 = p0 + jq * k;
                for (int p = 0; p < kc; p++, at += 4) {
                    dst[at] = b[s0 + p];
                    dst[at + 1] = b[s0 + k + p];
                    dst[at + 2] = b[s0 + 2 * k + p];
                    dst[at + 3] = b[s0 + 3 * k + p];
                }
                continue;
            }
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

    /** {@link #packA(double[], boolean, int, int, int, int, int, int, int, double[])} for floats (the same layout, in floats). */
    static void packA(float[] a, boolean transA, int m, int k, int i0, int mc, int p0, int kc, int mr, float[] dst) {
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
                    java.util.Arrays.fill(dst, base + p * mr + rows, base + (p + 1) * mr, 0f);
                }
            }
        }
    }

    /** {@link #packB(double[], boolean, int, int, int, int, int, int, int, double[], int)} for floats (the same layout, in floats). */
    static void packB(float[] b, boolean transB, int k, int n, int p0, int kc, int j0, int j1, int nr, float[] dst, int dstOffset) {
        int panels = (j1 - j0 + nr - 1) / nr;
        if (transB) {
            // B(p, j) at j + p·n. Steps are taken a few at a time and written panel by panel: writing one step across
            // all panels strides by nr·kc doubles (8 KB at kc = 256), so every write hit the same L1 set.
            for (int pb = 0; pb < kc; pb += STEPS) {
                int steps = Math.min(STEPS, kc - pb);
                for (int q = 0; q < panels; q++) {
                    int jq = j0 + q * nr;
                    int cols = Math.min(nr, j1 - jq);
                    int at = dstOffset + q * nr * kc + pb * nr;
                    int src = (p0 + pb) * n + jq;
                    if (cols == 4 && nr == 4) {
                        for (int p = 0; p < steps; p++, at += 4, src += n) {
                            dst[at] = b[src];
                            dst[at + 1] = b[src + 1];
                            dst[at + 2] = b[src + 2];
                            dst[at + 3] = b[src + 3];
                        }
                        continue;
                    }
                    if (cols == nr && (nr == 8 || nr == 6)) {
                        copySteps(b, src, n, 1, dst, at, steps, nr);
                        continue;
                    }
                    for (int p = 0; p < steps; p++, at += nr, src += n) {
                        for (int j = 0; j < cols; j++) {
                            dst[at + j] = b[src + j];
                        }
                        for (int j = cols; j < nr; j++) {
                            dst[at + j] = 0f;
                        }
                    }
                }
            }
            return;
        }
        // B(p, j) at p + j·k: read each column contiguously.
        for (int q = 0; q < panels; q++) {
            int jq = j0 + q * nr;
            int cols = Math.min(nr, j1 - jq);
            int at = dstOffset + q * nr * kc;
            if (cols == 4 && nr == 4) {
                // One pass down four columns, writing each step's four values together.
                int s0 = p0 + jq * k;
                for (int p = 0; p < kc; p++, at += 4) {
                    dst[at] = b[s0 + p];
                    dst[at + 1] = b[s0 + k + p];
                    dst[at + 2] = b[s0 + 2 * k + p];
                    dst[at + 3] = b[s0 + 3 * k + p];
                }
                continue;
            }
            if (cols == nr && (nr == 8 || nr == 6)) {
                copySteps(b, p0 + jq * k, 1, k, dst, at, kc, nr);
                continue;
            }
            for (int j = 0; j < cols; j++) {
                int src = p0 + (jq + j) * k;
                for (int p = 0; p < kc; p++) {
                    dst[at + p * nr + j] = b[src + p];
                }
            }
            for (int j = cols; j < nr; j++) {
                for (int p = 0; p < kc; p++) {
                    dst[at + p * nr + j] = 0f;
                }
            }
        }
    }

    /**
     * {@code steps} steps of a full panel of {@code nr} (8 or 6, the float tile's columns) into {@code dst} from
     * {@code at}, B(p, j) of the panel at {@code src + p·step + j·ld}: the copy of the general loops, unrolled like the
     * 4-column one (1.05× for the whole product at 128×512·(512×512)ᵀ, one run on a loaded machine).
     */
    private static void copySteps(float[] b, int src, int step, int ld, float[] dst, int at, int steps, int nr) {
        if (nr == 8) {
            for (int p = 0; p < steps; p++, at += 8, src += step) {
                dst[at] = b[src];
                dst[at + 1] = b[src + ld];
                dst[at + 2] = b[src + 2 * ld];
                dst[at + 3] = b[src + 3 * ld];
                dst[at + 4] = b[src + 4 * ld];
                dst[at + 5] = b[src + 5 * ld];
                dst[at + 6] = b[src + 6 * ld];
                dst[at + 7] = b[src + 7 * ld];
            }
            return;
        }
        for (int p = 0; p < steps; p++, at += 6, src += step) {
            dst[at] = b[src];
            dst[at + 1] = b[src + ld];
            dst[at + 2] = b[src + 2 * ld];
            dst[at + 3] = b[src + 3 * ld];
            dst[at + 4] = b[src + 4 * ld];
            dst[at + 5] = b[src + 5 * ld];
        }
    }
}
