package org.tapegrad.kernel;

import static org.tapegrad.kernel.VectorFloatMicroKernel.MR;
import static org.tapegrad.kernel.VectorFloatMicroKernel.NR;

/**
 * The float32 product of {@link VectorGemm}, with the same ideas and loop order: slices of the inner dimension, blocks
 * of rows packed per thread, blocks of columns packed from {@code B} (or {@code B} read in place when one block of
 * rows reads each panel once) and {@code MR×NR} register tiles in {@link VectorFloatMicroKernel} (16 lanes per 512-bit
 * vector, 32 rows × 8 columns); few-row products go to {@link VectorSmallFloatGemm}. Walking each micro-panel of A
 * over all panels of B instead (A in L1, B streamed from L2) was measured no faster at 512³ on Zen 4, so the order
 * stays the double kernel's.
 *
 * <p>The blocks are larger than the double kernel's (measured on Zen 4, one run, median of rounds against
 * {@code KC = 256}, 256-row blocks and the 2 × 4 tile: 1.09× at 512³, 1.00× at 1024³): a slice of {@value #KC}
 * steps computes a {@code k = 512} product in one pass, so C is written once and never read back, and one block of
 * up to 512 rows (A's slice up to 1 MB, L2 on Zen 4) lets products of up to 512 rows read B in place rather than
 * pack it (256-row blocks with B packed: 1.07×). Each element of C is one float sum over up to {@value #KC} products,
 * then added to the sum of the slices before it: for {@code k > 256} a different rounding from the earlier
 * {@code KC = 256}, the same bits for any thread count.
 */
final class VectorFloatGemm {

    /** Slice of the inner dimension: a {@code KC×NR} panel of B is 16 KB (half of L1 on Zen 4). */
    static final int KC = 512;
    /** Rows of op(A) packed at once: an {@code MC×KC} block is 1 MB with 512-bit vectors. */
    static final int MC = 16 * MR;

    /** Floats of packed B per block of columns (2 MB, in L3: each panel is reread from L1 by the tiles of a block). */
    static final int B_BLOCK = 512 * 1024;

    /** Below this many rows of C, {@link VectorSmallFloatGemm} is faster. */
    static final int SMALL_M = 12;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private VectorFloatGemm() {
    }

    /** Columns {@code [j0, j1)} of {@code C}. */
    static void columns(boolean transA, boolean transB, int m, int n, int k, float[] a, float[] b, float[] c,
            boolean accumulate, int j0, int j1) {
        Scratch s = SCRATCH.get();
        if (m < SMALL_M) {
            VectorSmallFloatGemm.gemm(transA, transB, m, n, k, a, b, c, accumulate, j0, j1, s.row(k + 4 * VectorFloatMicroKernel.V));
            return;
        }
        int kcMax = Math.min(k, KC);
        int ncMax = Math.min(j1 - j0, blockColumns(kcMax));
        // With all of A's slice small enough for L2 (m ≤ MC, or a short inner dimension), A is packed once per slice
        // as a single block of rows and shared by every block of columns.
        boolean oneRowBlock = m <= MC || (long) m * kcMax <= (long) MC * KC;
        int mBlock = oneRowBlock ? m : MC;
        float[] packedA = s.packedA(mBlock, kcMax);
        float[] packedB = s.packedB(((ncMax + NR - 1) / NR) * NR * kcMax);
        // Then each panel of B is read by one block of rows only, and packing it costs more than reading it in
        // place. A transposed B is read across rows n apart (often a multiple of 4 KB, so they compete for a few L1
        // sets): measured faster in place only while at most two tiles reread each panel (m = 32 × n = 512 at
        // k = 192: 1.25×; m = 64, n = 512, k = 2048: 0.94×).
        boolean unpackedB = oneRowBlock && (!transB || m <= 2 * MR);
        for (int pc = 0; pc < k; pc += KC) {
            int kc = Math.min(KC, k - pc);
            boolean add = accumulate || pc > 0;
            int nc = blockColumns(kc);
            if (oneRowBlock) {
                GemmPacking.packA(a, transA, m, k, 0, m, pc, kc, MR, packedA);
            }
            for (int jc = j0; jc < j1; jc += nc) {
                int jEnd = Math.min(j1, jc + nc);
                if (unpackedB) {
                    unpackedB(kc, packedA, b, transB, pc, k, n, c, m, jc, jEnd, add, s.tile);
                    continue;
                }
                GemmPacking.packB(b, transB, k, n, pc, kc, jc, jEnd, NR, packedB);
                int panels = (jEnd - jc + NR - 1) / NR;
                for (int ic = 0; ic < m; ic += mBlock) {
                    int mc = Math.min(mBlock, m - ic);
                    if (!oneRowBlock) {
                        GemmPacking.packA(a, transA, m, k, ic, mc, pc, kc, MR, packedA);
                    }
                    for (int q = 0; q < panels; q++) {
                        int jr = jc + q * NR;
                        int cols = Math.min(NR, jEnd - jr);
                        for (int ir = 0; ir < mc; ir += MR) {
                            VectorFloatMicroKernel.multiply(kc, packedA, ir * kc, packedB, q * NR * kc,
                                    c, ic + ir + jr * m, m, Math.min(MR, mc - ir), cols, add, s.tile);
                        }
                    }
                }
            }
        }
    }

    /** Columns {@code [j0, j1)} of C over one slice {@code [pc, pc+kc)}, all rows (packed in {@code packedA}). */
    private static void unpackedB(int kc, float[] packedA, float[] b, boolean transB, int pc, int k, int n,
            float[] c, int m, int j0, int j1, boolean add, float[] tile) {
        // op(B)(p, j) at p + j·k, or at j + p·n when B is stored transposed.
        int step = transB ? n : 1;
        int ldb = transB ? 1 : k;
        for (int jr = j0; jr < j1; jr += NR) {
            int cols = Math.min(NR, j1 - jr);
            for (int ir = 0; ir < m; ir += MR) {
                VectorFloatMicroKernel.multiplyUnpackedB(kc, packedA, ir * kc, b, pc * step + jr * ldb, step, ldb,
                        c, ir + jr * m, m, Math.min(MR, m - ir), cols, add, tile);
            }
        }
    }

    /**
     * Columns of C per block: as many as keep the packed {@code kc×nc} slice of B within {@value #B_BLOCK} floats
     * (2 MB: 1 MB was 0.96× at 1024³), so that a short inner dimension gets wide blocks that amortise the packing of
     * A.
     */
    private static int blockColumns(int kc) {
        return Math.max(NR, B_BLOCK / kc / NR * NR);
    }

    /** Per-thread buffers that only ever grow. */
    private static final class Scratch {
        private float[] packedA = new float[0];
        private float[] packedB = new float[0];
        private float[] row = new float[0];
        final float[] tile = new float[MR * NR];

        float[] packedA(int rows, int kc) {
            int size = ((rows + MR - 1) / MR) * MR * kc;
            if (packedA.length < size) {
                packedA = new float[size];
            }
            return packedA;
        }

        float[] row(int size) {
            if (row.length < size) {
                row = new float[size];
            }
            return row;
        }

        float[] packedB(int size) {
            if (packedB.length < size) {
                packedB = new float[size];
            }
            return packedB;
        }
    }
}
