package org.tapegrad.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked heart of {@link VectorFloatGemm}: one {@code MR×NR} tile of {@code C} (2 vectors of rows ×
 * {@code NR} columns) held in registers across a {@code kc}-long slice of the inner dimension, one fused multiply-add
 * per accumulator per step, each lane summing its products in increasing p (so the same bits on every call, tier and
 * thread count). {@code A} comes packed, {@code B} packed or, in {@link #multiplyUnpackedB}, read where it lies.
 *
 * <p>The tile is wider than the double kernel's 2 × 4: with 512-bit vectors (AVX-512, 32 registers) 2 vectors × 8
 * columns, 16 accumulators, which halves the bytes of {@code A} read per multiply-add. Measured on Zen 4 against
 * 2 × 4 with the same blocks (median of rounds of one run): 1.11× at 32×192·192×512, 1.18× at 64×640·640×512,
 * 1.00× at 512³; with the float kernel's larger blocks 2 × 6 and 2 × 12 were 0.96× and 0.98× of 2 × 8 at 512³.
 * With narrower vectors the machine may have only 16 registers (AVX2), where 16 accumulators spill (0.3× to 0.6×
 * under {@code -XX:UseAVX=2}): there the tile is 2 × 6 (12 accumulators), 1.01× to 1.13× of the earlier 2 × 4
 * kernel under {@code -XX:UseAVX=2}. Both are spelled out, and the choice is a constant the JIT folds.
 *
 * <p>A tile of at most one vector of rows (a batch of 16 rows in float32, or the last rows of a batch that is not a
 * multiple of the tile) runs the same kernels with one vector of rows ({@code …Half8}): the same sums, half the
 * multiply-adds of a padded tile (float32, 16×32·32×256: 1.2×, 16×256·(64×256)ᵀ: 1.5×, Intel Xeon).
 */
final class VectorFloatMicroKernel {

    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    /** Floats per vector. */
    static final int V = SPECIES.length();
    /** Rows of a tile: 2 vectors. */
    static final int MR = 2 * V;
    /** Columns of a tile: 8 with 512-bit vectors (32 registers), else 6 (see the class comment). */
    static final int NR = V >= 16 ? 8 : 6;
    /**
     * Steps of the inner dimension summed into one register tile before it is added to C, whatever the slice
     * {@link VectorFloatGemm#KC} that was packed: so a longer slice (512 with 512-bit vectors) gives the same bits as
     * the 256-step slices of other machines, at one extra pass over the tile per 256 steps (≈ 0.4 % of its
     * multiply-adds; the tile is still in L1).
     */
    static final int SUM_STEPS = 256;

    private VectorFloatMicroKernel() {
    }

    /**
     * {@code C[rows×cols tile] (+)= Apanel · Bpanel} over {@code kc} steps.
     *
     * @param ap packed A: step p holds the tile's {@code MR} rows at {@code aOff + p·MR}
     * @param bp packed B: step p holds the tile's {@code NR} columns at {@code bOff + p·NR}
     * @param c  C(row, col) at {@code cOff + row + col·ldc}; only {@code rows×cols} of it are written
     * @param add add into C when true, overwrite when false
     * @param tile scratch of at least {@code MR·NR} floats
     */
    static void multiply(int kc, float[] ap, int aOff, float[] bp, int bOff,
            float[] c, int cOff, int ldc, int rows, int cols, boolean add, float[] tile) {
        int p0 = 0;
        for (; kc - p0 > SUM_STEPS; p0 += SUM_STEPS) {
            multiplyPiece(SUM_STEPS, ap, aOff + p0 * MR, bp, bOff + p0 * NR, c, cOff, ldc, rows, cols, add || p0 > 0, tile);
        }
        multiplyPiece(kc - p0, ap, aOff + p0 * MR, bp, bOff + p0 * NR, c, cOff, ldc, rows, cols, add || p0 > 0, tile);
    }

    /** {@link #multiply} over at most {@link #SUM_STEPS} steps. */
    private static void multiplyPiece(int kc, float[] ap, int aOff, float[] bp, int bOff,
            float[] c, int cOff, int ldc, int rows, int cols, boolean add, float[] tile) {
        if (NR == 8 && rows <= V) {
            multiplyHalf8(kc, ap, aOff, bp, bOff, c, cOff, ldc, rows, cols, add, tile);
        } else if (NR == 8) {
            multiply8(kc, ap, aOff, bp, bOff, c, cOff, ldc, rows, cols, add, tile);
        } else {
            multiply6(kc, ap, aOff, bp, bOff, c, cOff, ldc, rows, cols, add, tile);
        }
    }

    /**
     * As {@link #multiply}, but B read where it lies: step p of column {@code j} of the tile at
     * {@code bOff + p·step + j·ldb}; no packing, for when each panel of B is used by a single block of rows anyway.
     * Columns past {@code cols} reread the last one, and their results are dropped.
     */
    static void multiplyUnpackedB(int kc, float[] ap, int aOff, float[] b, int bOff, int step, int ldb,
            float[] c, int cOff, int ldc, int rows, int cols, boolean add, float[] tile) {
        int p0 = 0;
        for (; kc - p0 > SUM_STEPS; p0 += SUM_STEPS) {
            multiplyUnpackedBPiece(SUM_STEPS, ap, aOff + p0 * MR, b, bOff + p0 * step, step, ldb, c, cOff, ldc, rows, cols, add || p0 > 0, tile);
        }
        multiplyUnpackedBPiece(kc - p0, ap, aOff + p0 * MR, b, bOff + p0 * step, step, ldb, c, cOff, ldc, rows, cols, add || p0 > 0, tile);
    }

    /** {@link #multiplyUnpackedB} over at most {@link #SUM_STEPS} steps. */
    private static void multiplyUnpackedBPiece(int kc, float[] ap, int aOff, float[] b, int bOff, int step, int ldb,
            float[] c, int cOff, int ldc, int rows, int cols, boolean add, float[] tile) {
        if (NR == 8 && rows <= V) {
            multiplyUnpackedBHalf8(kc, ap, aOff, b, bOff, step, ldb, c, cOff, ldc, rows, cols, add, tile);
        } else if (NR == 8) {
            multiplyUnpackedB8(kc, ap, aOff, b, bOff, step, ldb, c, cOff, ldc, rows, cols, add, tile);
        } else {
            multiplyUnpackedB6(kc, ap, aOff, b, bOff, step, ldb, c, cOff, ldc, rows, cols, add, tile);
        }
    }

    /** {@link #multiply} with 8 columns. */
    private static void multiply8(int kc, float[] ap, int aOff, float[] bp, int bOff,
            float[] c, int cOff, int ldc, int rows, int cols, boolean add, float[] tile) {
        FloatVector zero = FloatVector.zero(SPECIES);
        FloatVector c00 = zero, c10 = zero;
        FloatVector c01 = zero, c11 = zero;
        FloatVector c02 = zero, c12 = zero;
        FloatVector c03 = zero, c13 = zero;
        FloatVector c04 = zero, c14 = zero;
        FloatVector c05 = zero, c15 = zero;
        FloatVector c06 = zero, c16 = zero;
        FloatVector c07 = zero, c17 = zero;
        for (int p = 0; p < kc; p++) {
            int a = aOff + p * MR;
            int b = bOff + p * NR;
            FloatVector a0 = FloatVector.fromArray(SPECIES, ap, a);
            FloatVector a1 = FloatVector.fromArray(SPECIES, ap, a + V);
            FloatVector b0 = FloatVector.broadcast(SPECIES, bp[b]);
            c00 = a0.fma(b0, c00);
            c10 = a1.fma(b0, c10);
            FloatVector b1 = FloatVector.broadcast(SPECIES, bp[b + 1]);
            c01 = a0.fma(b1, c01);
            c11 = a1.fma(b1, c11);
            FloatVector b2 = FloatVector.broadcast(SPECIES, bp[b + 2]);
            c02 = a0.fma(b2, c02);
            c12 = a1.fma(b2, c12);
            FloatVector b3 = FloatVector.broadcast(SPECIES, bp[b + 3]);
            c03 = a0.fma(b3, c03);
            c13 = a1.fma(b3, c13);
            FloatVector b4 = FloatVector.broadcast(SPECIES, bp[b + 4]);
            c04 = a0.fma(b4, c04);
            c14 = a1.fma(b4, c14);
            FloatVector b5 = FloatVector.broadcast(SPECIES, bp[b + 5]);
            c05 = a0.fma(b5, c05);
            c15 = a1.fma(b5, c15);
            FloatVector b6 = FloatVector.broadcast(SPECIES, bp[b + 6]);
            c06 = a0.fma(b6, c06);
            c16 = a1.fma(b6, c16);
            FloatVector b7 = FloatVector.broadcast(SPECIES, bp[b + 7]);
            c07 = a0.fma(b7, c07);
            c17 = a1.fma(b7, c17);
        }
        c00.intoArray(tile, 0 * V);
        c10.intoArray(tile, 1 * V);
        c01.intoArray(tile, 2 * V);
        c11.intoArray(tile, 3 * V);
        c02.intoArray(tile, 4 * V);
        c12.intoArray(tile, 5 * V);
        c03.intoArray(tile, 6 * V);
        c13.intoArray(tile, 7 * V);
        c04.intoArray(tile, 8 * V);
        c14.intoArray(tile, 9 * V);
        c05.intoArray(tile, 10 * V);
        c15.intoArray(tile, 11 * V);
        c06.intoArray(tile, 12 * V);
        c16.intoArray(tile, 13 * V);
        c07.intoArray(tile, 14 * V);
        c17.intoArray(tile, 15 * V);
        writeTile(tile, c, cOff, ldc, rows, cols, add);
    }

    /**
     * As {@link #multiply} with 8 columns, B read where it lies in rows: step p's 8 columns contiguous at
     * {@code bOff + p·stride} (a transposed B, {@code stride = n}). The 8 loads of a step share one index, so the JIT
     * checks their bounds once per step, where the general in-place kernel computes and checks 8 indices.
     */
    static void multiplyStridedB8(int kc, float[] ap, int aOff, float[] bp, int bOff, int stride,
            float[] c, int cOff, int ldc, int rows, int cols, boolean add, float[] tile) {
        int p0 = 0;
        for (; kc - p0 > SUM_STEPS; p0 += SUM_STEPS) {
            multiplyStridedB8Piece(SUM_STEPS, ap, aOff + p0 * MR, bp, bOff + p0 * stride, stride, c, cOff, ldc, rows, cols, add || p0 > 0, tile);
        }
        multiplyStridedB8Piece(kc - p0, ap, aOff + p0 * MR, bp, bOff + p0 * stride, stride, c, cOff, ldc, rows, cols, add || p0 > 0, tile);
    }

    /** {@link #multiplyStridedB8} over at most {@link #SUM_STEPS} steps. */
    private static void multiplyStridedB8Piece(int kc, float[] ap, int aOff, float[] bp, int bOff, int stride,
            float[] c, int cOff, int ldc, int rows, int cols, boolean add, float[] tile) {
        if (rows <= V) {
            multiplyStridedBHalf8(kc, ap, aOff, bp, bOff, stride, c, cOff, ldc, rows, cols, add, tile);
        } else {
            multiplyStridedFull8(kc, ap, aOff, bp, bOff, stride, c, cOff, ldc, rows, cols, add, tile);
        }
    }

    /** {@link #multiplyStridedB8} for a whole tile of rows. */
    private static void multiplyStridedFull8(int kc, float[] ap, int aOff, float[] bp, int bOff, int stride,
            float[] c, int cOff, int ldc, int rows, int cols, boolean add, float[] tile) {
        FloatVector zero = FloatVector.zero(SPECIES);
        FloatVector c00 = zero, c10 = zero;
        FloatVector c01 = zero, c11 = zero;
        FloatVector c02 = zero, c12 = zero;
        FloatVector c03 = zero, c13 = zero;
        FloatVector c04 = zero, c14 = zero;
        FloatVector c05 = zero, c15 = zero;
        FloatVector c06 = zero, c16 = zero;
        FloatVector c07 = zero, c17 = zero;
        for (int p = 0; p < kc; p++) {
            int a = aOff + p * MR;
            int b = bOff + p * stride;
            FloatVector a0 = FloatVector.fromArray(SPECIES, ap, a);
            FloatVector a1 = FloatVector.fromArray(SPECIES, ap, a + V);
            FloatVector b0 = FloatVector.broadcast(SPECIES, bp[b]);
            c00 = a0.fma(b0, c00);
            c10 = a1.fma(b0, c10);
            FloatVector b1 = FloatVector.broadcast(SPECIES, bp[b + 1]);
            c01 = a0.fma(b1, c01);
            c11 = a1.fma(b1, c11);
            FloatVector b2 = FloatVector.broadcast(SPECIES, bp[b + 2]);
            c02 = a0.fma(b2, c02);
            c12 = a1.fma(b2, c12);
            FloatVector b3 = FloatVector.broadcast(SPECIES, bp[b + 3]);
            c03 = a0.fma(b3, c03);
            c13 = a1.fma(b3, c13);
            FloatVector b4 = FloatVector.broadcast(SPECIES, bp[b + 4]);
            c04 = a0.fma(b4, c04);
            c14 = a1.fma(b4, c14);
            FloatVector b5 = FloatVector.broadcast(SPECIES, bp[b + 5]);
            c05 = a0.fma(b5, c05);
            c15 = a1.fma(b5, c15);
            FloatVector b6 = FloatVector.broadcast(SPECIES, bp[b + 6]);
            c06 = a0.fma(b6, c06);
            c16 = a1.fma(b6, c16);
            FloatVector b7 = FloatVector.broadcast(SPECIES, bp[b + 7]);
            c07 = a0.fma(b7, c07);
            c17 = a1.fma(b7, c17);
        }
        c00.intoArray(tile, 0 * V);
        c10.intoArray(tile, 1 * V);
        c01.intoArray(tile, 2 * V);
        c11.intoArray(tile, 3 * V);
        c02.intoArray(tile, 4 * V);
        c12.intoArray(tile, 5 * V);
        c03.intoArray(tile, 6 * V);
        c13.intoArray(tile, 7 * V);
        c04.intoArray(tile, 8 * V);
        c14.intoArray(tile, 9 * V);
        c05.intoArray(tile, 10 * V);
        c15.intoArray(tile, 11 * V);
        c06.intoArray(tile, 12 * V);
        c16.intoArray(tile, 13 * V);
        c07.intoArray(tile, 14 * V);
        c17.intoArray(tile, 15 * V);
        writeTile(tile, c, cOff, ldc, rows, cols, add);
    }

    /** {@link #multiplyUnpackedB} with 8 columns. */
    private static void multiplyUnpackedB8(int kc, float[] ap, int aOff, float[] b, int bOff, int step, int ldb,
            float[] c, int cOff, int ldc, int rows, int cols, boolean add, float[] tile) {
        int o1 = Math.min(1, cols - 1) * ldb;
        int o2 = Math.min(2, cols - 1) * ldb;
        int o3 = Math.min(3, cols - 1) * ldb;
        int o4 = Math.min(4, cols - 1) * ldb;
        int o5 = Math.min(5, cols - 1) * ldb;
        int o6 = Math.min(6, cols - 1) * ldb;
        int o7 = Math.min(7, cols - 1) * ldb;
        int bi = bOff;
        FloatVector zero = FloatVector.zero(SPECIES);
        FloatVector c00 = zero, c10 = zero;
        FloatVector c01 = zero, c11 = zero;
        FloatVector c02 = zero, c12 = zero;
        FloatVector c03 = zero, c13 = zero;
        FloatVector c04 = zero, c14 = zero;
        FloatVector c05 = zero, c15 = zero;
        FloatVector c06 = zero, c16 = zero;
        FloatVector c07 = zero, c17 = zero;
        for (int p = 0; p < kc; p++, bi += step) {
            int a = aOff + p * MR;
            FloatVector a0 = FloatVector.fromArray(SPECIES, ap, a);
            FloatVector a1 = FloatVector.fromArray(SPECIES, ap, a + V);
            FloatVector b0 = FloatVector.broadcast(SPECIES, b[bi]);
            c00 = a0.fma(b0, c00);
            c10 = a1.fma(b0, c10);
            FloatVector b1 = FloatVector.broadcast(SPECIES, b[bi + o1]);
            c01 = a0.fma(b1, c01);
            c11 = a1.fma(b1, c11);
            FloatVector b2 = FloatVector.broadcast(SPECIES, b[bi + o2]);
            c02 = a0.fma(b2, c02);
            c12 = a1.fma(b2, c12);
            FloatVector b3 = FloatVector.broadcast(SPECIES, b[bi + o3]);
            c03 = a0.fma(b3, c03);
            c13 = a1.fma(b3, c13);
            FloatVector b4 = FloatVector.broadcast(SPECIES, b[bi + o4]);
            c04 = a0.fma(b4, c04);
            c14 = a1.fma(b4, c14);
            FloatVector b5 = FloatVector.broadcast(SPECIES, b[bi + o5]);
            c05 = a0.fma(b5, c05);
            c15 = a1.fma(b5, c15);
            FloatVector b6 = FloatVector.broadcast(SPECIES, b[bi + o6]);
            c06 = a0.fma(b6, c06);
            c16 = a1.fma(b6, c16);
            FloatVector b7 = FloatVector.broadcast(SPECIES, b[bi + o7]);
            c07 = a0.fma(b7, c07);
            c17 = a1.fma(b7, c17);
        }
        c00.intoArray(tile, 0 * V);
        c10.intoArray(tile, 1 * V);
        c01.intoArray(tile, 2 * V);
        c11.intoArray(tile, 3 * V);
        c02.intoArray(tile, 4 * V);
        c12.intoArray(tile, 5 * V);
        c03.intoArray(tile, 6 * V);
        c13.intoArray(tile, 7 * V);
        c04.intoArray(tile, 8 * V);
        c14.intoArray(tile, 9 * V);
        c05.intoArray(tile, 10 * V);
        c15.intoArray(tile, 11 * V);
        c06.intoArray(tile, 12 * V);
        c16.intoArray(tile, 13 * V);
        c07.intoArray(tile, 14 * V);
        c17.intoArray(tile, 15 * V);
        writeTile(tile, c, cOff, ldc, rows, cols, add);
    }

    /** {@link #multiply} with 6 columns. */
    private static void multiply6(int kc, float[] ap, int aOff, float[] bp, int bOff,
            float[] c, int cOff, int ldc, int rows, int cols, boolean add, float[] tile) {
        FloatVector zero = FloatVector.zero(SPECIES);
        FloatVector c00 = zero, c10 = zero;
        FloatVector c01 = zero, c11 = zero;
        FloatVector c02 = zero, c12 = zero;
        FloatVector c03 = zero, c13 = zero;
        FloatVector c04 = zero, c14 = zero;
        FloatVector c05 = zero, c15 = zero;
        for (int p = 0; p < kc; p++) {
            int a = aOff + p * MR;
            int b = bOff + p * NR;
            FloatVector a0 = FloatVector.fromArray(SPECIES, ap, a);
            FloatVector a1 = FloatVector.fromArray(SPECIES, ap, a + V);
            FloatVector b0 = FloatVector.broadcast(SPECIES, bp[b]);
            c00 = a0.fma(b0, c00);
            c10 = a1.fma(b0, c10);
            FloatVector b1 = FloatVector.broadcast(SPECIES, bp[b + 1]);
            c01 = a0.fma(b1, c01);
            c11 = a1.fma(b1, c11);
            FloatVector b2 = FloatVector.broadcast(SPECIES, bp[b + 2]);
            c02 = a0.fma(b2, c02);
            c12 = a1.fma(b2, c12);
            FloatVector b3 = FloatVector.broadcast(SPECIES, bp[b + 3]);
            c03 = a0.fma(b3, c03);
            c13 = a1.fma(b3, c13);
            FloatVector b4 = FloatVector.broadcast(SPECIES, bp[b + 4]);
            c04 = a0.fma(b4, c04);
            c14 = a1.fma(b4, c14);
            FloatVector b5 = FloatVector.broadcast(SPECIES, bp[b + 5]);
            c05 = a0.fma(b5, c05);
            c15 = a1.fma(b5, c15);
        }
        c00.intoArray(tile, 0 * V);
        c10.intoArray(tile, 1 * V);
        c01.intoArray(tile, 2 * V);
        c11.intoArray(tile, 3 * V);
        c02.intoArray(tile, 4 * V);
        c12.intoArray(tile, 5 * V);
        c03.intoArray(tile, 6 * V);
        c13.intoArray(tile, 7 * V);
        c04.intoArray(tile, 8 * V);
        c14.intoArray(tile, 9 * V);
        c05.intoArray(tile, 10 * V);
        c15.intoArray(tile, 11 * V);
        writeTile(tile, c, cOff, ldc, rows, cols, add);
    }

    /** {@link #multiplyUnpackedB} with 6 columns. */
    private static void multiplyUnpackedB6(int kc, float[] ap, int aOff, float[] b, int bOff, int step, int ldb,
            float[] c, int cOff, int ldc, int rows, int cols, boolean add, float[] tile) {
        int o1 = Math.min(1, cols - 1) * ldb;
        int o2 = Math.min(2, cols - 1) * ldb;
        int o3 = Math.min(3, cols - 1) * ldb;
        int o4 = Math.min(4, cols - 1) * ldb;
        int o5 = Math.min(5, cols - 1) * ldb;
        int bi = bOff;
        FloatVector zero = FloatVector.zero(SPECIES);
        FloatVector c00 = zero, c10 = zero;
        FloatVector c01 = zero, c11 = zero;
        FloatVector c02 = zero, c12 = zero;
        FloatVector c03 = zero, c13 = zero;
        FloatVector c04 = zero, c14 = zero;
        FloatVector c05 = zero, c15 = zero;
        for (int p = 0; p < kc; p++, bi += step) {
            int a = aOff + p * MR;
            FloatVector a0 = FloatVector.fromArray(SPECIES, ap, a);
            FloatVector a1 = FloatVector.fromArray(SPECIES, ap, a + V);
            FloatVector b0 = FloatVector.broadcast(SPECIES, b[bi]);
            c00 = a0.fma(b0, c00);
            c10 = a1.fma(b0, c10);
            FloatVector b1 = FloatVector.broadcast(SPECIES, b[bi + o1]);
            c01 = a0.fma(b1, c01);
            c11 = a1.fma(b1, c11);
            FloatVector b2 = FloatVector.broadcast(SPECIES, b[bi + o2]);
            c02 = a0.fma(b2, c02);
            c12 = a1.fma(b2, c12);
            FloatVector b3 = FloatVector.broadcast(SPECIES, b[bi + o3]);
            c03 = a0.fma(b3, c03);
            c13 = a1.fma(b3, c13);
            FloatVector b4 = FloatVector.broadcast(SPECIES, b[bi + o4]);
            c04 = a0.fma(b4, c04);
            c14 = a1.fma(b4, c14);
            FloatVector b5 = FloatVector.broadcast(SPECIES, b[bi + o5]);
            c05 = a0.fma(b5, c05);
            c15 = a1.fma(b5, c15);
        }
        c00.intoArray(tile, 0 * V);
        c10.intoArray(tile, 1 * V);
        c01.intoArray(tile, 2 * V);
        c11.intoArray(tile, 3 * V);
        c02.intoArray(tile, 4 * V);
        c12.intoArray(tile, 5 * V);
        c03.intoArray(tile, 6 * V);
        c13.intoArray(tile, 7 * V);
        c04.intoArray(tile, 8 * V);
        c14.intoArray(tile, 9 * V);
        c05.intoArray(tile, 10 * V);
        c15.intoArray(tile, 11 * V);
        writeTile(tile, c, cOff, ldc, rows, cols, add);
    }

    /** {@link #multiply8} for a tile of at most one vector of rows: the bits of multiply8, half the multiply-adds. */
    private static void multiplyHalf8(int kc, float[] ap, int aOff, float[] bp, int bOff,
            float[] c, int cOff, int ldc, int rows, int cols, boolean add, float[] tile) {
        FloatVector zero = FloatVector.zero(SPECIES);
        FloatVector c00 = zero;
        FloatVector c01 = zero;
        FloatVector c02 = zero;
        FloatVector c03 = zero;
        FloatVector c04 = zero;
        FloatVector c05 = zero;
        FloatVector c06 = zero;
        FloatVector c07 = zero;
        for (int p = 0; p < kc; p++) {
            int a = aOff + p * MR;
            int b = bOff + p * NR;
            FloatVector a0 = FloatVector.fromArray(SPECIES, ap, a);
            FloatVector b0 = FloatVector.broadcast(SPECIES, bp[b]);
            c00 = a0.fma(b0, c00);
            FloatVector b1 = FloatVector.broadcast(SPECIES, bp[b + 1]);
            c01 = a0.fma(b1, c01);
            FloatVector b2 = FloatVector.broadcast(SPECIES, bp[b + 2]);
            c02 = a0.fma(b2, c02);
            FloatVector b3 = FloatVector.broadcast(SPECIES, bp[b + 3]);
            c03 = a0.fma(b3, c03);
            FloatVector b4 = FloatVector.broadcast(SPECIES, bp[b + 4]);
            c04 = a0.fma(b4, c04);
            FloatVector b5 = FloatVector.broadcast(SPECIES, bp[b + 5]);
            c05 = a0.fma(b5, c05);
            FloatVector b6 = FloatVector.broadcast(SPECIES, bp[b + 6]);
            c06 = a0.fma(b6, c06);
            FloatVector b7 = FloatVector.broadcast(SPECIES, bp[b + 7]);
            c07 = a0.fma(b7, c07);
        }
        c00.intoArray(tile, 0 * V);
        c01.intoArray(tile, 2 * V);
        c02.intoArray(tile, 4 * V);
        c03.intoArray(tile, 6 * V);
        c04.intoArray(tile, 8 * V);
        c05.intoArray(tile, 10 * V);
        c06.intoArray(tile, 12 * V);
        c07.intoArray(tile, 14 * V);
        writeTile(tile, c, cOff, ldc, rows, cols, add);
    }

    /** {@link #multiplyUnpackedB8} for a tile of at most one vector of rows. */
    private static void multiplyUnpackedBHalf8(int kc, float[] ap, int aOff, float[] b, int bOff, int step, int ldb,
            float[] c, int cOff, int ldc, int rows, int cols, boolean add, float[] tile) {
        int o1 = Math.min(1, cols - 1) * ldb;
        int o2 = Math.min(2, cols - 1) * ldb;
        int o3 = Math.min(3, cols - 1) * ldb;
        int o4 = Math.min(4, cols - 1) * ldb;
        int o5 = Math.min(5, cols - 1) * ldb;
        int o6 = Math.min(6, cols - 1) * ldb;
        int o7 = Math.min(7, cols - 1) * ldb;
        int bi = bOff;
        FloatVector zero = FloatVector.zero(SPECIES);
        FloatVector c00 = zero;
        FloatVector c01 = zero;
        FloatVector c02 = zero;
        FloatVector c03 = zero;
        FloatVector c04 = zero;
        FloatVector c05 = zero;
        FloatVector c06 = zero;
        FloatVector c07 = zero;
        for (int p = 0; p < kc; p++, bi += step) {
            int a = aOff + p * MR;
            FloatVector a0 = FloatVector.fromArray(SPECIES, ap, a);
            FloatVector b0 = FloatVector.broadcast(SPECIES, b[bi]);
            c00 = a0.fma(b0, c00);
            FloatVector b1 = FloatVector.broadcast(SPECIES, b[bi + o1]);
            c01 = a0.fma(b1, c01);
            FloatVector b2 = FloatVector.broadcast(SPECIES, b[bi + o2]);
            c02 = a0.fma(b2, c02);
            FloatVector b3 = FloatVector.broadcast(SPECIES, b[bi + o3]);
            c03 = a0.fma(b3, c03);
            FloatVector b4 = FloatVector.broadcast(SPECIES, b[bi + o4]);
            c04 = a0.fma(b4, c04);
            FloatVector b5 = FloatVector.broadcast(SPECIES, b[bi + o5]);
            c05 = a0.fma(b5, c05);
            FloatVector b6 = FloatVector.broadcast(SPECIES, b[bi + o6]);
            c06 = a0.fma(b6, c06);
            FloatVector b7 = FloatVector.broadcast(SPECIES, b[bi + o7]);
            c07 = a0.fma(b7, c07);
        }
        c00.intoArray(tile, 0 * V);
        c01.intoArray(tile, 2 * V);
        c02.intoArray(tile, 4 * V);
        c03.intoArray(tile, 6 * V);
        c04.intoArray(tile, 8 * V);
        c05.intoArray(tile, 10 * V);
        c06.intoArray(tile, 12 * V);
        c07.intoArray(tile, 14 * V);
        writeTile(tile, c, cOff, ldc, rows, cols, add);
    }

    /** {@link #multiplyStridedB8} for a tile of at most one vector of rows. */
    private static void multiplyStridedBHalf8(int kc, float[] ap, int aOff, float[] bp, int bOff, int stride,
            float[] c, int cOff, int ldc, int rows, int cols, boolean add, float[] tile) {
        FloatVector zero = FloatVector.zero(SPECIES);
        FloatVector c00 = zero;
        FloatVector c01 = zero;
        FloatVector c02 = zero;
        FloatVector c03 = zero;
        FloatVector c04 = zero;
        FloatVector c05 = zero;
        FloatVector c06 = zero;
        FloatVector c07 = zero;
        for (int p = 0; p < kc; p++) {
            int a = aOff + p * MR;
            int b = bOff + p * stride;
            FloatVector a0 = FloatVector.fromArray(SPECIES, ap, a);
            FloatVector b0 = FloatVector.broadcast(SPECIES, bp[b]);
            c00 = a0.fma(b0, c00);
            FloatVector b1 = FloatVector.broadcast(SPECIES, bp[b + 1]);
            c01 = a0.fma(b1, c01);
            FloatVector b2 = FloatVector.broadcast(SPECIES, bp[b + 2]);
            c02 = a0.fma(b2, c02);
            FloatVector b3 = FloatVector.broadcast(SPECIES, bp[b + 3]);
            c03 = a0.fma(b3, c03);
            FloatVector b4 = FloatVector.broadcast(SPECIES, bp[b + 4]);
            c04 = a0.fma(b4, c04);
            FloatVector b5 = FloatVector.broadcast(SPECIES, bp[b + 5]);
            c05 = a0.fma(b5, c05);
            FloatVector b6 = FloatVector.broadcast(SPECIES, bp[b + 6]);
            c06 = a0.fma(b6, c06);
            FloatVector b7 = FloatVector.broadcast(SPECIES, bp[b + 7]);
            c07 = a0.fma(b7, c07);
        }
        c00.intoArray(tile, 0 * V);
        c01.intoArray(tile, 2 * V);
        c02.intoArray(tile, 4 * V);
        c03.intoArray(tile, 6 * V);
        c04.intoArray(tile, 8 * V);
        c05.intoArray(tile, 10 * V);
        c06.intoArray(tile, 12 * V);
        c07.intoArray(tile, 14 * V);
        writeTile(tile, c, cOff, ldc, rows, cols, add);
    }

    /**
     * Writes (or adds) the {@code rows×cols} corner of the accumulators, parked column by column in {@code tile}, into
     * C. The accumulators go through {@code tile} and this one loop rather than a read-add-write spelled out per
     * accumulator: sixteen of those made the kernels too large for C2 to inline every Vector API call, and it then
     * boxed the vectors of each call's end (1 KB allocated per tile at 512³, 0.6× the speed). The float sum
     * {@code tile + C} is the same as {@code C + tile}, so the bits are those of adding the accumulators directly.
     *
     * <p>Tried again and removed: a whole tile written straight from its accumulators into C (each kernel's epilogue
     * spelled out) was 1.05–1.10× on short-k products on the Intel Xeon it was measured on, but on Zen 5 (JDK 17.0.15)
     * C2 then left the epilogue's Vector API calls out of line in some compilations ("VectorSupport::store failed to
     * inline (intrinsic)", receivers typed {@code FloatVector}), depending on the profile, so they ran boxed: float32
     * LSTM B=64, H=512 forward + backward took 1.9 s per call instead of 0.15 s ({@code GemmIntrinsicsTest}).
     */
    private static void writeTile(float[] tile, float[] c, int cOff, int ldc, int rows, int cols, boolean add) {
        if (rows == MR) {
            for (int j = 0; j < cols; j++) {
                for (int i = 0; i < MR; i += V) {
                    int ci = cOff + i + j * ldc;
                    FloatVector t = FloatVector.fromArray(SPECIES, tile, i + j * MR);
                    (add ? t.add(FloatVector.fromArray(SPECIES, c, ci)) : t).intoArray(c, ci);
                }
            }
            return;
        }
        // A partial tile: its whole vectors of rows as vectors (a tile of one vector of rows, a batch of V, would
        // otherwise spend a third of its product here), the rest element by element; the same sums either way.
        int whole = rows - rows % V;
        for (int j = 0; j < cols; j++) {
            for (int i = 0; i < whole; i += V) {
                int ci = cOff + i + j * ldc;
                FloatVector t = FloatVector.fromArray(SPECIES, tile, i + j * MR);
                (add ? t.add(FloatVector.fromArray(SPECIES, c, ci)) : t).intoArray(c, ci);
            }
            for (int i = whole; i < rows; i++) {
                int ci = cOff + i + j * ldc;
                c[ci] = add ? c[ci] + tile[i + j * MR] : tile[i + j * MR];
            }
        }
    }
}
