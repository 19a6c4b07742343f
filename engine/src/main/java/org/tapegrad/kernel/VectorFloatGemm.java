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
 * <p>The blocks are larger than the double kernel's. With 512-bit vectors a slice of the inner dimension is 512
 * steps, so that a {@code k = 512} product is one pass (C written once, never read back), and a block of rows is up
 * to 512 (A's slice up to 1 MB, the L2 of Zen 4), so that products of up to 512 rows read B in place instead of
 * packing it. Measured on Zen 4 (median of rounds of one run, each against the 2 × 4 tile with {@code KC = 256} and
 * 256-row blocks): 1.09× at 512³ and 1.00× at 1024³; at 512³ 256-row blocks with packed B were 1.07× where 512-row
 * blocks were 1.13× in the same run. (With B read in place, A is then packed and read 256 rows at a time,
 * {@link #IN_PLACE_B_ROWS}: on Zen 5, whose L2 is also 1 MB, that was 1.05× at 512³.) Whatever the slice, each element of C is summed in pieces of
 * {@link VectorFloatMicroKernel#SUM_STEPS} = 256 steps, each piece added to the pieces before it: the same bits for
 * any thread count and on any machine, 512-bit or not (a 512-step sum on AVX-512 machines had given every product
 * with {@code k > 256} other bits than on AVX2 ones; {@code TileSumOrderTest}).
 */
final class VectorFloatGemm {

    /**
     * Slice of the inner dimension: 512 with 512-bit vectors (a {@code KC×NR} panel of B is 16 KB, half of L1 on Zen
     * 4), else 256: under {@code -XX:UseAVX=2} (16 rows × 6 columns) 512 was 0.94× of the earlier kernel on
     * 64×512·(512×512)ᵀ, 256 no slower than it on any measured shape.
     */
    static final int KC = VectorFloatMicroKernel.V >= 16 ? 512 : 256;
    /** Rows of op(A) packed at once: an {@code MC×KC} block is 1 MB with 512-bit vectors. */
    static final int MC = 16 * MR;

    /**
     * Rows of op(A) packed at once while B is read in place: as many as make a block of 512 KB, half of a 1 MB L2
     * ({@code 256×512} with 512-bit vectors), so that B's columns, read from L3 by every tile, do not push A out. With
     * the whole {@code 512×512} slice of A as one block (1 MB) the product at 512³ ran 0.94× as fast (Zen 5,
     * interleaved rounds in one JVM, 226 vs 240 GFLOP/s). With 256-bit vectors ({@code KC = 256}) it is 512 rows, more
     * than such a product has: nothing changes there (measured under {@code -XX:UseAVX=2}, 256×512·512×512: 256 rows
     * as two blocks of 128 were 0.97×).
     */
    static final int IN_PLACE_B_ROWS = 128 * 1024 / KC;

    /** Floats of packed B per block of columns (2 MB, in L3: each panel is reread from L1 by the tiles of a block). */
    static final int B_BLOCK = 512 * 1024;

    /**
     * Below this many rows of C, {@link VectorSmallFloatGemm} (one pass over B per row) is faster than the tiled kernel,
     * whose cost at up to one vector of rows hardly depends on the rows (measured on Zen 4, {@code m×512·64}: a
     * row costs about a third of the tiled product).
     */
    static final int SMALL_M = 4;

    /** The same for a transposed B, which the row-at-a-time kernel reads along its contiguous rows (measured). */
    static final int SMALL_M_TRANSPOSED_B = 10;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private VectorFloatGemm() {
    }

    /** Tags the panels {@link #pack} lays out ({@link PackedOperand}). */
    private static final Object LAYOUT = new Object();

    /**
     * Packs {@code op(B)} into the panels the tiled kernel reads, slice by slice of the inner dimension; null below the
     * rows the row-at-a-time kernel takes (it reads B in place).
     */
    static PackedOperand pack(boolean transB, int k, int n, float[] b, int rows, PackedOperand reuse) {
        if (rows < (transB ? SMALL_M_TRANSPOSED_B : SMALL_M) || k == 0 || n == 0) {
            return null;
        }
        int size = GemmPacking.panelElements(k, n, NR);
        if (size < 0) {
            return null;
        }
        int nPad = ((n + NR - 1) / NR) * NR;
        float[] panels = reuse != null && reuse.fits(LAYOUT, NR, KC, k, n, true) ? reuse.panels32() : new float[size];
        for (int pc = 0; pc < k; pc += KC) {
            GemmPacking.packB(b, transB, k, n, pc, Math.min(KC, k - pc), 0, n, NR, panels, pc * nPad);
        }
        return new PackedOperand(LAYOUT, transB, k, n, NR, KC, b, panels);
    }

    /** Columns {@code [j0, j1)} of {@code C}, B's panels read from {@code packed} when it has this kernel's (may be null). */
    static void columns(boolean transA, boolean transB, int m, int n, int k, float[] a, float[] b, PackedOperand packed, float[] c,
            boolean accumulate, int j0, int j1) {
        Scratch s = SCRATCH.get();
        if (m < (transB ? SMALL_M_TRANSPOSED_B : SMALL_M)) {
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
        // Short columns of B (k ≤ KC/2: the weight gradients xᵀ·ȳ of backpropagation through time, k the batch) reread
        // by more than 6 tiles of rows are packed too: the tiles' strided reads then cost more than the packing (Intel
        // Xeon, one thread, B packed per call vs in place: float32 512×64·64×1536 1.27×, float64 256×64·64×1536 1.14×,
        // 512×128·128×512 1.14×; with 4 tiles in place stays 1.07× faster).
        boolean unpackedB = oneRowBlock && (transB ? m <= 2 * MR : m <= 6 * MR || k > KC / 2);
        // Panels packed beforehand (a weight reused at every step) are read whatever the rows: the same tiles, the
        // same sums, no packing. They start at column 0, so a range must start at a panel.
        boolean prepacked = packed != null && packed.laidOutBy(LAYOUT, NR, KC) && j0 % NR == 0;
        unpackedB &= !prepacked;
        float[] panelsB = prepacked ? packed.panels32() : packedB;
        int nPad = ((n + NR - 1) / NR) * NR;
        // A column-major A of exactly one tile of rows is already in the packed layout (step p's MR rows contiguous,
        // MR apart): read in place (1.08× at 32×192·192×512, one run on a shared machine).
        boolean inPlaceA = !transA && m == MR;
        float[] panelsA = inPlaceA ? a : packedA;
        for (int pc = 0; pc < k; pc += KC) {
            int kc = Math.min(KC, k - pc);
            boolean add = accumulate || pc > 0;
            int nc = blockColumns(kc);
            int aBase = inPlaceA ? pc * MR : 0;
            if (unpackedB) {
                for (int ic = 0; ic < m; ic += IN_PLACE_B_ROWS) {
                    int mc = Math.min(IN_PLACE_B_ROWS, m - ic);
                    if (!inPlaceA) {
                        GemmPacking.packA(a, transA, m, k, ic, mc, pc, kc, MR, packedA);
                    }
                    for (int jc = j0; jc < j1; jc += nc) {
                        unpackedB(kc, panelsA, aBase, b, transB, pc, k, n, c, m, ic, mc, jc, Math.min(j1, jc + nc), add, s.tile);
                    }
                }
                continue;
            }
            if (oneRowBlock && !inPlaceA) {
                GemmPacking.packA(a, transA, m, k, 0, m, pc, kc, MR, packedA);
            }
            for (int jc = j0; jc < j1; jc += nc) {
                int jEnd = Math.min(j1, jc + nc);
                int bBase = prepacked ? pc * nPad + jc * kc : 0;   // panel jc/NR of the slice starting at pc·nPad
                if (!prepacked) {
                    GemmPacking.packB(b, transB, k, n, pc, kc, jc, jEnd, NR, packedB, 0);
                }
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
                            VectorFloatMicroKernel.multiply(kc, panelsA, aBase + ir * kc, panelsB, bBase + q * NR * kc,
                                    c, ic + ir + jr * m, m, Math.min(MR, mc - ir), cols, add, s.tile);
                        }
                    }
                }
            }
        }
    }

    /**
     * Columns {@code [j0, j1)} of C over one slice {@code [pc, pc+kc)}, rows {@code [i0, i0+rows)} of the {@code m}, their
     * panels of A in the packed layout from {@code aBase} in {@code panelsA} (row {@code i0} first).
     */
    private static void unpackedB(int kc, float[] panelsA, int aBase, float[] b, boolean transB, int pc, int k, int n,
            float[] c, int m, int i0, int rows, int j0, int j1, boolean add, float[] tile) {
        // op(B)(p, j) at p + j·k, or at j + p·n when B is stored transposed: then a whole tile's 8 columns of a step
        // are contiguous and one index serves them (multiplyStridedB8: 1.09–1.14× on float32 products with m = 32 and
        // 64, Intel Xeon, interleaved rounds).
        int step = transB ? n : 1;
        int ldb = transB ? 1 : k;
        for (int jr = j0; jr < j1; jr += NR) {
            int cols = Math.min(NR, j1 - jr);
            for (int ir = 0; ir < rows; ir += MR) {
                if (transB && cols == 8 && NR == 8) {
                    VectorFloatMicroKernel.multiplyStridedB8(kc, panelsA, aBase + ir * kc, b, pc * step + jr, step,
                            c, i0 + ir + jr * m, m, Math.min(MR, rows - ir), cols, add, tile);
                } else {
                    VectorFloatMicroKernel.multiplyUnpackedB(kc, panelsA, aBase + ir * kc, b, pc * step + jr * ldb, step, ldb,
                            c, i0 + ir + jr * m, m, Math.min(MR, rows - ir), cols, add, tile);
                }
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
