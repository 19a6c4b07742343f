package org.tapegrad.kernel;

import static org.tapegrad.kernel.VectorMicroKernel.MR;
import static org.tapegrad.kernel.VectorMicroKernel.NR;

/**
 * The matrix product on the JDK Vector API ({@code jdk.incubator.vector}): the inner dimension is cut into slices of
 * {@value #KC}, rows of {@code op(A)} into blocks of {@value #MC} (or a single block when the slice fits in L2) that
 * are packed into a thread-local buffer (which also turns {@code Aᵀ} into the same layout as {@code A}), columns of
 * {@code C} into blocks whose packed slice of {@code B} fits in L2, and each {@code MR×NR} tile of {@code C} is computed
 * in registers by {@link VectorMicroKernel} from a packed panel of {@code B}, or from {@code B} in place when a single
 * block of rows reads each panel once. Products with very few rows go to
 * {@link VectorSmallGemm} instead, where a tile of many rows would mostly multiply padding.
 *
 * <p>Large products are split over blocks of columns of {@code C} across {@link GemmThreads}. Steady state allocates
 * nothing but the bookkeeping of a split: the pack buffers are per thread and grow only.
 */
public final class VectorGemm implements ColumnRangeGemm {

    /** Slice of the inner dimension kept in cache: a {@code KC×NR} panel of B stays in L1. */
    static final int KC = 256;
    /** Rows of op(A) packed at once: an {@code MC×KC} block (256 KB with 512-bit vectors) stays in L2. */
    static final int MC = 8 * MR;

    /** Doubles of packed B per block of columns (1 MB). */
    static final int B_BLOCK = 128 * 1024;

    /**
     * Below this many rows of C, {@link VectorSmallGemm} (one pass over B per row) is faster than the tiled kernel,
     * whose cost at up to one vector of rows hardly depends on the rows (measured on Zen 4, {@code m×512·64}: a
     * row costs about a third of the tiled product).
     */
    static final int SMALL_M = 4;

    /** The same for a transposed B, which the row-at-a-time kernel reads along its contiguous rows (measured). */
    static final int SMALL_M_TRANSPOSED_B = 6;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** Tags the panels this kernel packs ({@link PackedOperand}). */
    private static final Object LAYOUT = new Object();

    private final int threads;

    /** The kernel with the configured number of threads ({@code tapegrad.threads}). */
    public VectorGemm() {
        this(GemmThreads.configured());
    }

    /** The kernel with at most {@code threads} threads (capped by the configuration and the cores). */
    public VectorGemm(int threads) {
        this.threads = GemmThreads.cap(threads);
    }

    @Override
    public int threads() {
        return threads;
    }

    @Override
    public String name() {
        return "vector";
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, double[] a, double[] b, double[] c, boolean accumulate) {
        product(transA, transB, m, n, k, a, b, null, c, accumulate);
    }

    /** The whole product, B's panels read from {@code packed} when it has this kernel's (may be null). */
    private void product(boolean transA, boolean transB, int m, int n, int k, double[] a, double[] b, PackedOperand packed,
            double[] c, boolean accumulate) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            if (!accumulate) {
                java.util.Arrays.fill(c, 0, m * n, 0.0);
            }
            return;
        }
        long work = (long) m * n * k;
        if (threads == 1 || work < GemmThreads.MIN_PARALLEL_WORK) {
            columns(transA, transB, m, n, k, a, b, packed, c, accumulate, 0, n);
            return;
        }
        GemmThreads.forColumns(n, NR, work, threads, (from, to) -> columns(transA, transB, m, n, k, a, b, packed, c, accumulate, from, to));
    }

    /** The float32 product: {@link VectorFloatGemm}'s blocking, split over threads like the double one. */
    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float[] a, float[] b, float[] c, boolean accumulate) {
        product(transA, transB, m, n, k, a, b, null, c, accumulate);
    }

    /** The float32 form of {@link #product(boolean, boolean, int, int, int, double[], double[], PackedOperand, double[], boolean)}. */
    private void product(boolean transA, boolean transB, int m, int n, int k, float[] a, float[] b, PackedOperand packed,
            float[] c, boolean accumulate) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            if (!accumulate) {
                java.util.Arrays.fill(c, 0, m * n, 0f);
            }
            return;
        }
        long work = (long) m * n * k;
        if (threads == 1 || work < GemmThreads.MIN_PARALLEL_WORK) {
            VectorFloatGemm.columns(transA, transB, m, n, k, a, b, packed, c, accumulate, 0, n);
            return;
        }
        GemmThreads.forColumns(n, VectorFloatMicroKernel.NR, work, threads,
                (from, to) -> VectorFloatGemm.columns(transA, transB, m, n, k, a, b, packed, c, accumulate, from, to));
    }

    /** 4 or 8 doubles ({@link VectorMicroKernel#NR}), 6 or 8 floats ({@link VectorFloatMicroKernel#NR}). */
    @Override
    public int panelColumns(boolean float32) {
        return float32 ? VectorFloatMicroKernel.NR : NR;
    }

    /**
     * Packs {@code op(B)} into the panels the tiled kernel reads, slice by slice of the inner dimension; null below the
     * rows the row-at-a-time kernel takes (it reads B in place).
     */
    @Override
    public PackedOperand pack(boolean transB, int k, int n, double[] b, int rows, PackedOperand reuse) {
        if (rows < (transB ? SMALL_M_TRANSPOSED_B : SMALL_M) || k == 0 || n == 0) {
            return null;
        }
        int size = GemmPacking.panelElements(k, n, NR);
        if (size < 0) {
            return null;
        }
        int nPad = ((n + NR - 1) / NR) * NR;
        double[] panels = reuse != null && reuse.fits(LAYOUT, NR, KC, k, n, false) ? reuse.panels64() : new double[size];
        for (int pc = 0; pc < k; pc += KC) {
            GemmPacking.packB(b, transB, k, n, pc, Math.min(KC, k - pc), 0, n, NR, panels, pc * nPad);
        }
        return new PackedOperand(LAYOUT, transB, k, n, NR, KC, b, panels);
    }

    /** The float32 form: {@link VectorFloatGemm}'s panels. */
    @Override
    public PackedOperand pack(boolean transB, int k, int n, float[] b, int rows, PackedOperand reuse) {
        return VectorFloatGemm.pack(transB, k, n, b, rows, reuse);
    }

    @Override
    public void gemm(boolean transA, int m, int n, int k, double[] a, PackedOperand b, double[] c, boolean accumulate) {
        b.requireShape("gemm", k, n);
        product(transA, b.transposed(), m, n, k, a, b.source64(), b, c, accumulate);
    }

    @Override
    public void gemm(boolean transA, int m, int n, int k, float[] a, PackedOperand b, float[] c, boolean accumulate) {
        b.requireShape("gemm", k, n);
        product(transA, b.transposed(), m, n, k, a, b.source32(), b, c, accumulate);
    }

    @Override
    public void gemmColumns(boolean transA, int m, int n, int k, double[] a, PackedOperand b, double[] c, boolean accumulate,
            int from, int to) {
        b.requireShape("gemmColumns", k, n);
        range(transA, b.transposed(), m, n, k, a, b.source64(), b, c, accumulate, from, to);
    }

    @Override
    public void gemmColumns(boolean transA, int m, int n, int k, float[] a, PackedOperand b, float[] c, boolean accumulate,
            int from, int to) {
        b.requireShape("gemmColumns", k, n);
        range(transA, b.transposed(), m, n, k, a, b.source32(), b, c, accumulate, from, to);
    }

    @Override
    public void gemmColumns(boolean transA, boolean transB, int m, int n, int k, double[] a, double[] b, double[] c, boolean accumulate,
            int from, int to) {
        range(transA, transB, m, n, k, a, b, null, c, accumulate, from, to);
    }

    @Override
    public void gemmColumns(boolean transA, boolean transB, int m, int n, int k, float[] a, float[] b, float[] c, boolean accumulate,
            int from, int to) {
        range(transA, transB, m, n, k, a, b, null, c, accumulate, from, to);
    }

    /** Columns {@code [from, to)} on this thread, B's panels read from {@code packed} when it has this kernel's (may be null). */
    private static void range(boolean transA, boolean transB, int m, int n, int k, double[] a, double[] b, PackedOperand packed,
            double[] c, boolean accumulate, int from, int to) {
        if (m == 0 || from >= to) {
            return;
        }
        if (k == 0) {
            if (!accumulate) {
                java.util.Arrays.fill(c, from * m, to * m, 0.0);
            }
            return;
        }
        columns(transA, transB, m, n, k, a, b, packed, c, accumulate, from, to);
    }

    /** The float32 form of {@link #range(boolean, boolean, int, int, int, double[], double[], PackedOperand, double[], boolean, int, int)}. */
    private static void range(boolean transA, boolean transB, int m, int n, int k, float[] a, float[] b, PackedOperand packed,
            float[] c, boolean accumulate, int from, int to) {
        if (m == 0 || from >= to) {
            return;
        }
        if (k == 0) {
            if (!accumulate) {
                java.util.Arrays.fill(c, from * m, to * m, 0f);
            }
            return;
        }
        VectorFloatGemm.columns(transA, transB, m, n, k, a, b, packed, c, accumulate, from, to);
    }

    /** Columns {@code [j0, j1)} of {@code C}, B's panels read from {@code packed} when it has this kernel's (may be null). */
    private static void columns(boolean transA, boolean transB, int m, int n, int k, double[] a, double[] b, PackedOperand packed,
            double[] c, boolean accumulate, int j0, int j1) {
        Scratch s = SCRATCH.get();
        if (m < (transB ? SMALL_M_TRANSPOSED_B : SMALL_M)) {
            VectorSmallGemm.gemm(transA, transB, m, n, k, a, b, c, accumulate, j0, j1, s.row(k + 4 * VectorMicroKernel.V));
            return;
        }
        int kcMax = Math.min(k, KC);
        int ncMax = Math.min(j1 - j0, blockColumns(kcMax));
        // With all of A's slice small enough for L2 (m ≤ MC, or a short inner dimension), A is packed once per slice
        // as a single block of rows and shared by every block of columns.
        boolean oneRowBlock = m <= MC || (long) m * kcMax <= (long) MC * KC;
        int mBlock = oneRowBlock ? m : MC;
        double[] packedA = s.packedA(mBlock, kcMax);
        double[] packedB = s.packedB(((ncMax + NR - 1) / NR) * NR * kcMax);
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
        double[] panelsB = prepacked ? packed.panels64() : packedB;
        int nPad = ((n + NR - 1) / NR) * NR;
        // A column-major A of exactly one tile of rows is already in the packed layout (step p's MR rows contiguous,
        // MR apart): read in place, as the float kernel does (B = 16, the double tile's rows).
        boolean inPlaceA = !transA && m == MR;
        double[] panelsA = inPlaceA ? a : packedA;
        for (int pc = 0; pc < k; pc += KC) {
            int kc = Math.min(KC, k - pc);
            boolean add = accumulate || pc > 0;
            int nc = blockColumns(kc);
            int aBase = inPlaceA ? pc * MR : 0;
            if (oneRowBlock && !inPlaceA) {
                GemmPacking.packA(a, transA, m, k, 0, m, pc, kc, MR, packedA);
            }
            for (int jc = j0; jc < j1; jc += nc) {
                int jEnd = Math.min(j1, jc + nc);
                if (unpackedB) {
                    unpackedB(kc, panelsA, aBase, b, transB, pc, k, n, c, m, jc, jEnd, add, s.tile);
                    continue;
                }
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
                            VectorMicroKernel.multiply(kc, panelsA, aBase + ir * kc, panelsB, bBase + q * NR * kc,
                                    c, ic + ir + jr * m, m, Math.min(MR, mc - ir), cols, add, s.tile);
                        }
                    }
                }
            }
        }
    }

    /**
     * Columns {@code [j0, j1)} of C over one slice {@code [pc, pc+kc)}, all rows, their panels of A in the packed
     * layout from {@code aBase} in {@code panelsA}.
     */
    private static void unpackedB(int kc, double[] panelsA, int aBase, double[] b, boolean transB, int pc, int k, int n,
            double[] c, int m, int j0, int j1, boolean add, double[] tile) {
        // op(B)(p, j) at p + j·k, or at j + p·n when B is stored transposed: then a whole tile's 8 columns of a step
        // are contiguous and one index serves them (multiplyStridedB8: 1.2× at 16×256·(64×256)ᵀ, Intel Xeon).
        int step = transB ? n : 1;
        int ldb = transB ? 1 : k;
        for (int jr = j0; jr < j1; jr += NR) {
            int cols = Math.min(NR, j1 - jr);
            for (int ir = 0; ir < m; ir += MR) {
                if (transB && cols == 8 && NR == 8) {
                    VectorMicroKernel.multiplyStridedB8(kc, panelsA, aBase + ir * kc, b, pc * step + jr, step,
                            c, ir + jr * m, m, Math.min(MR, m - ir), cols, add, tile);
                } else {
                    VectorMicroKernel.multiplyUnpackedB(kc, panelsA, aBase + ir * kc, b, pc * step + jr * ldb, step, ldb,
                            c, ir + jr * m, m, Math.min(MR, m - ir), cols, add, tile);
                }
            }
        }
    }

    /**
     * Columns of C per block: as many as keep the packed {@code kc×nc} slice of B within {@value #B_BLOCK} doubles
     * (the size of L2, 1 MB on Zen 5: smaller blocks were slower at 512³, as A is then packed again per block), so that the panels the micro-kernel rereads for every block of rows come from L2, and a
     * short inner dimension gets wide blocks that amortise the packing of A.
     */
    private static int blockColumns(int kc) {
        return Math.max(NR, B_BLOCK / kc / NR * NR);
    }

    /** Per-thread buffers that only ever grow. */
    private static final class Scratch {
        private double[] packedA = new double[0];
        private double[] packedB = new double[0];
        private double[] row = new double[0];
        final double[] tile = new double[MR * NR];

        double[] packedA(int rows, int kc) {
            int size = ((rows + MR - 1) / MR) * MR * kc;
            if (packedA.length < size) {
                packedA = new double[size];
            }
            return packedA;
        }

        double[] row(int size) {
            if (row.length < size) {
                row = new double[size];
            }
            return row;
        }

        double[] packedB(int size) {
            if (packedB.length < size) {
                packedB = new double[size];
            }
            return packedB;
        }
    }
}
