package org.tapegrad.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked heart of {@link VectorGemm}: one {@code MR×NR} tile of {@code C} (2 vectors of rows × {@code NR}
 * columns) held in vector registers across a whole {@code kc}-long slice of the inner dimension, one fused
 * multiply-add per accumulator per step, each lane summing its products in increasing p. {@code A} comes packed
 * ({@code MR} contiguous rows per step, zero-padded), {@code B} comes packed too ({@code NR} contiguous columns per
 * step) or, in {@link #multiplyUnpackedB}, is read where it lies.
 *
 * <p>The tile is 2 vectors × 8 columns (16 accumulators) with 512-bit vectors and 2 × 4 (8 accumulators) below that,
 * where AVX2 has only 16 registers. On a core with two 512-bit FMA units (Intel Xeon, AVX-512) 8 accumulators are
 * exactly the FMAs in flight that two units of latency 4 need, with nothing left to hide the loads: with A and B
 * in L1, 2 × 4 ran at 67 GFLOP/s and 2 × 8 at 83 of the core's 91 (FMA loop); and each vector of A loaded now serves
 * 8 multiply-adds instead of 4, which halves the bytes of A streamed from L2. On Zen 5, 2 × 4 had been measured as
 * fast as 2×6, 3×4, 3×8, 4×2, 4×3 and 4×4 (2 × 8 was not among them; that Zen 5's FMA loop, 112–118 GFLOP/s in
 * float64 on a later session, is two 512-bit units, not one); tiles of 24 or more accumulators spilled there. The
 * tile changes only which products share a pass, not any element's sum: the bits are those of the 2 × 4 tile. The
 * file was generated from a small template, which is why the tiles are spelled out.
 *
 * <p>A tile of at most one vector of rows (a batch of 16 rows in float32, or the last rows of a batch that is not a
 * multiple of the tile) runs the same kernels with one vector of rows ({@code …Half8}): the same sums, half the
 * multiply-adds of a padded tile (float32, 16×32·32×256: 1.2×, 16×256·(64×256)ᵀ: 1.5×, Intel Xeon).
 */
final class VectorMicroKernel {

    static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;
    /** Doubles per vector. */
    static final int V = SPECIES.length();
    /** Rows of a tile: 2 vectors. */
    static final int MR = 2 * V;
    /** Columns of a tile: 8 with 512-bit vectors (32 registers), else 4 (see the class comment). */
    static final int NR = V >= 8 ? 8 : 4;

    private VectorMicroKernel() {
    }

    /**
     * {@code C[rows×cols tile] (+)= Apanel · Bpanel} over {@code kc} steps.
     *
     * @param ap packed A: step p holds the tile's {@code MR} rows at {@code aOff + p·MR}
     * @param bp packed B: step p holds the tile's {@code NR} columns at {@code bOff + p·NR}
     * @param c  C(row, col) at {@code cOff + row + col·ldc}; only {@code rows×cols} of it are written
     * @param add add into C when true, overwrite when false
     * @param tile scratch of at least {@code MR·NR} doubles
     */
    static void multiply(int kc, double[] ap, int aOff, double[] bp, int bOff,
            double[] c, int cOff, int ldc, int rows, int cols, boolean add, double[] tile) {
        if (NR == 8 && rows <= V) {
            multiplyHalf8(kc, ap, aOff, bp, bOff, c, cOff, ldc, rows, cols, add, tile);
        } else if (NR == 8) {
            multiply8(kc, ap, aOff, bp, bOff, c, cOff, ldc, rows, cols, add, tile);
        } else {
            multiply4(kc, ap, aOff, bp, bOff, c, cOff, ldc, rows, cols, add, tile);
        }
    }

    /**
     * As {@link #multiply}, but B read where it lies, column-major with column {@code j} of the tile starting at
     * {@code bOff + j·ldb}: no packing, for when each panel of B is used by a single block of rows anyway. Columns
     * past {@code cols} reread the last one, and their results are dropped.
     */
    static void multiplyUnpackedB(int kc, double[] ap, int aOff, double[] b, int bOff, int step, int ldb,
            double[] c, int cOff, int ldc, int rows, int cols, boolean add, double[] tile) {
        if (NR == 8 && rows <= V) {
            multiplyUnpackedBHalf8(kc, ap, aOff, b, bOff, step, ldb, c, cOff, ldc, rows, cols, add, tile);
        } else if (NR == 8) {
            multiplyUnpackedB8(kc, ap, aOff, b, bOff, step, ldb, c, cOff, ldc, rows, cols, add, tile);
        } else {
            multiplyUnpackedB4(kc, ap, aOff, b, bOff, step, ldb, c, cOff, ldc, rows, cols, add, tile);
        }
    }

    /** {@link #multiply} with 8 columns. */
    private static void multiply8(int kc, double[] ap, int aOff, double[] bp, int bOff,
            double[] c, int cOff, int ldc, int rows, int cols, boolean add, double[] tile) {
        DoubleVector zero = DoubleVector.zero(SPECIES);
        DoubleVector c00 = zero, c10 = zero;
        DoubleVector c01 = zero, c11 = zero;
        DoubleVector c02 = zero, c12 = zero;
        DoubleVector c03 = zero, c13 = zero;
        DoubleVector c04 = zero, c14 = zero;
        DoubleVector c05 = zero, c15 = zero;
        DoubleVector c06 = zero, c16 = zero;
        DoubleVector c07 = zero, c17 = zero;
        for (int p = 0, a = aOff, b = bOff; p < kc; p++, a += MR, b += NR) {
            DoubleVector a0 = DoubleVector.fromArray(SPECIES, ap, a);
            DoubleVector a1 = DoubleVector.fromArray(SPECIES, ap, a + V);
            DoubleVector b0 = DoubleVector.broadcast(SPECIES, bp[b]);
            c00 = a0.fma(b0, c00);
            c10 = a1.fma(b0, c10);
            DoubleVector b1 = DoubleVector.broadcast(SPECIES, bp[b + 1]);
            c01 = a0.fma(b1, c01);
            c11 = a1.fma(b1, c11);
            DoubleVector b2 = DoubleVector.broadcast(SPECIES, bp[b + 2]);
            c02 = a0.fma(b2, c02);
            c12 = a1.fma(b2, c12);
            DoubleVector b3 = DoubleVector.broadcast(SPECIES, bp[b + 3]);
            c03 = a0.fma(b3, c03);
            c13 = a1.fma(b3, c13);
            DoubleVector b4 = DoubleVector.broadcast(SPECIES, bp[b + 4]);
            c04 = a0.fma(b4, c04);
            c14 = a1.fma(b4, c14);
            DoubleVector b5 = DoubleVector.broadcast(SPECIES, bp[b + 5]);
            c05 = a0.fma(b5, c05);
            c15 = a1.fma(b5, c15);
            DoubleVector b6 = DoubleVector.broadcast(SPECIES, bp[b + 6]);
            c06 = a0.fma(b6, c06);
            c16 = a1.fma(b6, c16);
            DoubleVector b7 = DoubleVector.broadcast(SPECIES, bp[b + 7]);
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
    static void multiplyStridedB8(int kc, double[] ap, int aOff, double[] bp, int bOff, int stride,
            double[] c, int cOff, int ldc, int rows, int cols, boolean add, double[] tile) {
        if (rows <= V) {
            multiplyStridedBHalf8(kc, ap, aOff, bp, bOff, stride, c, cOff, ldc, rows, cols, add, tile);
        } else {
            multiplyStridedFull8(kc, ap, aOff, bp, bOff, stride, c, cOff, ldc, rows, cols, add, tile);
        }
    }

    /** {@link #multiplyStridedB8} for a whole tile of rows. */
    private static void multiplyStridedFull8(int kc, double[] ap, int aOff, double[] bp, int bOff, int stride,
            double[] c, int cOff, int ldc, int rows, int cols, boolean add, double[] tile) {
        DoubleVector zero = DoubleVector.zero(SPECIES);
        DoubleVector c00 = zero, c10 = zero;
        DoubleVector c01 = zero, c11 = zero;
        DoubleVector c02 = zero, c12 = zero;
        DoubleVector c03 = zero, c13 = zero;
        DoubleVector c04 = zero, c14 = zero;
        DoubleVector c05 = zero, c15 = zero;
        DoubleVector c06 = zero, c16 = zero;
        DoubleVector c07 = zero, c17 = zero;
        for (int p = 0, a = aOff, b = bOff; p < kc; p++, a += MR, b += stride) {
            DoubleVector a0 = DoubleVector.fromArray(SPECIES, ap, a);
            DoubleVector a1 = DoubleVector.fromArray(SPECIES, ap, a + V);
            DoubleVector b0 = DoubleVector.broadcast(SPECIES, bp[b]);
            c00 = a0.fma(b0, c00);
            c10 = a1.fma(b0, c10);
            DoubleVector b1 = DoubleVector.broadcast(SPECIES, bp[b + 1]);
            c01 = a0.fma(b1, c01);
            c11 = a1.fma(b1, c11);
            DoubleVector b2 = DoubleVector.broadcast(SPECIES, bp[b + 2]);
            c02 = a0.fma(b2, c02);
            c12 = a1.fma(b2, c12);
            DoubleVector b3 = DoubleVector.broadcast(SPECIES, bp[b + 3]);
            c03 = a0.fma(b3, c03);
            c13 = a1.fma(b3, c13);
            DoubleVector b4 = DoubleVector.broadcast(SPECIES, bp[b + 4]);
            c04 = a0.fma(b4, c04);
            c14 = a1.fma(b4, c14);
            DoubleVector b5 = DoubleVector.broadcast(SPECIES, bp[b + 5]);
            c05 = a0.fma(b5, c05);
            c15 = a1.fma(b5, c15);
            DoubleVector b6 = DoubleVector.broadcast(SPECIES, bp[b + 6]);
            c06 = a0.fma(b6, c06);
            c16 = a1.fma(b6, c16);
            DoubleVector b7 = DoubleVector.broadcast(SPECIES, bp[b + 7]);
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
    private static void multiplyUnpackedB8(int kc, double[] ap, int aOff, double[] b, int bOff, int step, int ldb,
            double[] c, int cOff, int ldc, int rows, int cols, boolean add, double[] tile) {
        int o1 = Math.min(1, cols - 1) * ldb;
        int o2 = Math.min(2, cols - 1) * ldb;
        int o3 = Math.min(3, cols - 1) * ldb;
        int o4 = Math.min(4, cols - 1) * ldb;
        int o5 = Math.min(5, cols - 1) * ldb;
        int o6 = Math.min(6, cols - 1) * ldb;
        int o7 = Math.min(7, cols - 1) * ldb;
        int bi = bOff;
        DoubleVector zero = DoubleVector.zero(SPECIES);
        DoubleVector c00 = zero, c10 = zero;
        DoubleVector c01 = zero, c11 = zero;
        DoubleVector c02 = zero, c12 = zero;
        DoubleVector c03 = zero, c13 = zero;
        DoubleVector c04 = zero, c14 = zero;
        DoubleVector c05 = zero, c15 = zero;
        DoubleVector c06 = zero, c16 = zero;
        DoubleVector c07 = zero, c17 = zero;
        for (int p = 0; p < kc; p++, bi += step) {
            int a = aOff + p * MR;
            DoubleVector a0 = DoubleVector.fromArray(SPECIES, ap, a);
            DoubleVector a1 = DoubleVector.fromArray(SPECIES, ap, a + V);
            DoubleVector b0 = DoubleVector.broadcast(SPECIES, b[bi]);
            c00 = a0.fma(b0, c00);
            c10 = a1.fma(b0, c10);
            DoubleVector b1 = DoubleVector.broadcast(SPECIES, b[bi + o1]);
            c01 = a0.fma(b1, c01);
            c11 = a1.fma(b1, c11);
            DoubleVector b2 = DoubleVector.broadcast(SPECIES, b[bi + o2]);
            c02 = a0.fma(b2, c02);
            c12 = a1.fma(b2, c12);
            DoubleVector b3 = DoubleVector.broadcast(SPECIES, b[bi + o3]);
            c03 = a0.fma(b3, c03);
            c13 = a1.fma(b3, c13);
            DoubleVector b4 = DoubleVector.broadcast(SPECIES, b[bi + o4]);
            c04 = a0.fma(b4, c04);
            c14 = a1.fma(b4, c14);
            DoubleVector b5 = DoubleVector.broadcast(SPECIES, b[bi + o5]);
            c05 = a0.fma(b5, c05);
            c15 = a1.fma(b5, c15);
            DoubleVector b6 = DoubleVector.broadcast(SPECIES, b[bi + o6]);
            c06 = a0.fma(b6, c06);
            c16 = a1.fma(b6, c16);
            DoubleVector b7 = DoubleVector.broadcast(SPECIES, b[bi + o7]);
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

    /** {@link #multiply} with 4 columns. */
    private static void multiply4(int kc, double[] ap, int aOff, double[] bp, int bOff,
            double[] c, int cOff, int ldc, int rows, int cols, boolean add, double[] tile) {
        DoubleVector zero = DoubleVector.zero(SPECIES);
        DoubleVector c00 = zero, c10 = zero;
        DoubleVector c01 = zero, c11 = zero;
        DoubleVector c02 = zero, c12 = zero;
        DoubleVector c03 = zero, c13 = zero;
        for (int p = 0; p < kc; p++) {
            int a = aOff + p * MR;
            int b = bOff + p * NR;
            DoubleVector a0 = DoubleVector.fromArray(SPECIES, ap, a);
            DoubleVector a1 = DoubleVector.fromArray(SPECIES, ap, a + V);
            DoubleVector b0 = DoubleVector.broadcast(SPECIES, bp[b]);
            c00 = a0.fma(b0, c00);
            c10 = a1.fma(b0, c10);
            DoubleVector b1 = DoubleVector.broadcast(SPECIES, bp[b + 1]);
            c01 = a0.fma(b1, c01);
            c11 = a1.fma(b1, c11);
            DoubleVector b2 = DoubleVector.broadcast(SPECIES, bp[b + 2]);
            c02 = a0.fma(b2, c02);
            c12 = a1.fma(b2, c12);
            DoubleVector b3 = DoubleVector.broadcast(SPECIES, bp[b + 3]);
            c03 = a0.fma(b3, c03);
            c13 = a1.fma(b3, c13);
        }
        // Spelled out in both kernels: as a method taking the eight accumulators it was not always inlined.
        boolean full = rows == MR && cols == NR;
        double[] out = full ? c : tile;
        int o = full ? cOff : 0;
        int ld = full ? ldc : MR;
        boolean addHere = full && add;
        store(c00, out, o, addHere);
        store(c10, out, o + V, addHere);
        store(c01, out, o + ld, addHere);
        store(c11, out, o + ld + V, addHere);
        store(c02, out, o + 2 * ld, addHere);
        store(c12, out, o + 2 * ld + V, addHere);
        store(c03, out, o + 3 * ld, addHere);
        store(c13, out, o + 3 * ld + V, addHere);
        if (!full) {
            for (int j = 0; j < cols; j++) {
                for (int i = 0; i < rows; i++) {
                    int ci = cOff + i + j * ldc;
                    c[ci] = add ? c[ci] + tile[i + j * MR] : tile[i + j * MR];
                }
            }
        }
    }

    /** {@link #multiplyUnpackedB} with 4 columns. */
    private static void multiplyUnpackedB4(int kc, double[] ap, int aOff, double[] b, int bOff, int step, int ldb,
            double[] c, int cOff, int ldc, int rows, int cols, boolean add, double[] tile) {
        int b1 = Math.min(1, cols - 1) * ldb;
        int b2 = Math.min(2, cols - 1) * ldb;
        int b3 = Math.min(3, cols - 1) * ldb;
        int bi = bOff;
        DoubleVector zero = DoubleVector.zero(SPECIES);
        DoubleVector c00 = zero, c10 = zero;
        DoubleVector c01 = zero, c11 = zero;
        DoubleVector c02 = zero, c12 = zero;
        DoubleVector c03 = zero, c13 = zero;
        for (int p = 0; p < kc; p++, bi += step) {
            int a = aOff + p * MR;
            DoubleVector a0 = DoubleVector.fromArray(SPECIES, ap, a);
            DoubleVector a1 = DoubleVector.fromArray(SPECIES, ap, a + V);
            DoubleVector v0 = DoubleVector.broadcast(SPECIES, b[bi]);
            c00 = a0.fma(v0, c00);
            c10 = a1.fma(v0, c10);
            DoubleVector v1 = DoubleVector.broadcast(SPECIES, b[bi + b1]);
            c01 = a0.fma(v1, c01);
            c11 = a1.fma(v1, c11);
            DoubleVector v2 = DoubleVector.broadcast(SPECIES, b[bi + b2]);
            c02 = a0.fma(v2, c02);
            c12 = a1.fma(v2, c12);
            DoubleVector v3 = DoubleVector.broadcast(SPECIES, b[bi + b3]);
            c03 = a0.fma(v3, c03);
            c13 = a1.fma(v3, c13);
        }
        // Spelled out in both kernels: as a method taking the eight accumulators it was not always inlined.
        boolean full = rows == MR && cols == NR;
        double[] out = full ? c : tile;
        int o = full ? cOff : 0;
        int ld = full ? ldc : MR;
        boolean addHere = full && add;
        store(c00, out, o, addHere);
        store(c10, out, o + V, addHere);
        store(c01, out, o + ld, addHere);
        store(c11, out, o + ld + V, addHere);
        store(c02, out, o + 2 * ld, addHere);
        store(c12, out, o + 2 * ld + V, addHere);
        store(c03, out, o + 3 * ld, addHere);
        store(c13, out, o + 3 * ld + V, addHere);
        if (!full) {
            for (int j = 0; j < cols; j++) {
                for (int i = 0; i < rows; i++) {
                    int ci = cOff + i + j * ldc;
                    c[ci] = add ? c[ci] + tile[i + j * MR] : tile[i + j * MR];
                }
            }
        }
    }

    /** {@link #multiply8} for a tile of at most one vector of rows: the bits of multiply8, half the multiply-adds. */
    private static void multiplyHalf8(int kc, double[] ap, int aOff, double[] bp, int bOff,
            double[] c, int cOff, int ldc, int rows, int cols, boolean add, double[] tile) {
        DoubleVector zero = DoubleVector.zero(SPECIES);
        DoubleVector c00 = zero;
        DoubleVector c01 = zero;
        DoubleVector c02 = zero;
        DoubleVector c03 = zero;
        DoubleVector c04 = zero;
        DoubleVector c05 = zero;
        DoubleVector c06 = zero;
        DoubleVector c07 = zero;
        for (int p = 0, a = aOff, b = bOff; p < kc; p++, a += MR, b += NR) {
            DoubleVector a0 = DoubleVector.fromArray(SPECIES, ap, a);
            DoubleVector b0 = DoubleVector.broadcast(SPECIES, bp[b]);
            c00 = a0.fma(b0, c00);
            DoubleVector b1 = DoubleVector.broadcast(SPECIES, bp[b + 1]);
            c01 = a0.fma(b1, c01);
            DoubleVector b2 = DoubleVector.broadcast(SPECIES, bp[b + 2]);
            c02 = a0.fma(b2, c02);
            DoubleVector b3 = DoubleVector.broadcast(SPECIES, bp[b + 3]);
            c03 = a0.fma(b3, c03);
            DoubleVector b4 = DoubleVector.broadcast(SPECIES, bp[b + 4]);
            c04 = a0.fma(b4, c04);
            DoubleVector b5 = DoubleVector.broadcast(SPECIES, bp[b + 5]);
            c05 = a0.fma(b5, c05);
            DoubleVector b6 = DoubleVector.broadcast(SPECIES, bp[b + 6]);
            c06 = a0.fma(b6, c06);
            DoubleVector b7 = DoubleVector.broadcast(SPECIES, bp[b + 7]);
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
    private static void multiplyUnpackedBHalf8(int kc, double[] ap, int aOff, double[] b, int bOff, int step, int ldb,
            double[] c, int cOff, int ldc, int rows, int cols, boolean add, double[] tile) {
        int o1 = Math.min(1, cols - 1) * ldb;
        int o2 = Math.min(2, cols - 1) * ldb;
        int o3 = Math.min(3, cols - 1) * ldb;
        int o4 = Math.min(4, cols - 1) * ldb;
        int o5 = Math.min(5, cols - 1) * ldb;
        int o6 = Math.min(6, cols - 1) * ldb;
        int o7 = Math.min(7, cols - 1) * ldb;
        int bi = bOff;
        DoubleVector zero = DoubleVector.zero(SPECIES);
        DoubleVector c00 = zero;
        DoubleVector c01 = zero;
        DoubleVector c02 = zero;
        DoubleVector c03 = zero;
        DoubleVector c04 = zero;
        DoubleVector c05 = zero;
        DoubleVector c06 = zero;
        DoubleVector c07 = zero;
        for (int p = 0; p < kc; p++, bi += step) {
            int a = aOff + p * MR;
            DoubleVector a0 = DoubleVector.fromArray(SPECIES, ap, a);
            DoubleVector b0 = DoubleVector.broadcast(SPECIES, b[bi]);
            c00 = a0.fma(b0, c00);
            DoubleVector b1 = DoubleVector.broadcast(SPECIES, b[bi + o1]);
            c01 = a0.fma(b1, c01);
            DoubleVector b2 = DoubleVector.broadcast(SPECIES, b[bi + o2]);
            c02 = a0.fma(b2, c02);
            DoubleVector b3 = DoubleVector.broadcast(SPECIES, b[bi + o3]);
            c03 = a0.fma(b3, c03);
            DoubleVector b4 = DoubleVector.broadcast(SPECIES, b[bi + o4]);
            c04 = a0.fma(b4, c04);
            DoubleVector b5 = DoubleVector.broadcast(SPECIES, b[bi + o5]);
            c05 = a0.fma(b5, c05);
            DoubleVector b6 = DoubleVector.broadcast(SPECIES, b[bi + o6]);
            c06 = a0.fma(b6, c06);
            DoubleVector b7 = DoubleVector.broadcast(SPECIES, b[bi + o7]);
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
    private static void multiplyStridedBHalf8(int kc, double[] ap, int aOff, double[] bp, int bOff, int stride,
            double[] c, int cOff, int ldc, int rows, int cols, boolean add, double[] tile) {
        DoubleVector zero = DoubleVector.zero(SPECIES);
        DoubleVector c00 = zero;
        DoubleVector c01 = zero;
        DoubleVector c02 = zero;
        DoubleVector c03 = zero;
        DoubleVector c04 = zero;
        DoubleVector c05 = zero;
        DoubleVector c06 = zero;
        DoubleVector c07 = zero;
        for (int p = 0, a = aOff, b = bOff; p < kc; p++, a += MR, b += stride) {
            DoubleVector a0 = DoubleVector.fromArray(SPECIES, ap, a);
            DoubleVector b0 = DoubleVector.broadcast(SPECIES, bp[b]);
            c00 = a0.fma(b0, c00);
            DoubleVector b1 = DoubleVector.broadcast(SPECIES, bp[b + 1]);
            c01 = a0.fma(b1, c01);
            DoubleVector b2 = DoubleVector.broadcast(SPECIES, bp[b + 2]);
            c02 = a0.fma(b2, c02);
            DoubleVector b3 = DoubleVector.broadcast(SPECIES, bp[b + 3]);
            c03 = a0.fma(b3, c03);
            DoubleVector b4 = DoubleVector.broadcast(SPECIES, bp[b + 4]);
            c04 = a0.fma(b4, c04);
            DoubleVector b5 = DoubleVector.broadcast(SPECIES, bp[b + 5]);
            c05 = a0.fma(b5, c05);
            DoubleVector b6 = DoubleVector.broadcast(SPECIES, bp[b + 6]);
            c06 = a0.fma(b6, c06);
            DoubleVector b7 = DoubleVector.broadcast(SPECIES, bp[b + 7]);
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
     * C: sixteen read-add-writes spelled out per accumulator would make the 8-column kernels too large for C2 to inline
     * every Vector API call (the float kernel measured it: boxed vectors, 0.6× the speed). {@code tile + C} is the
     * same sum as {@code C + tile}, so the bits are those of adding the accumulators directly.
     */
    private static void writeTile(double[] tile, double[] c, int cOff, int ldc, int rows, int cols, boolean add) {
        if (rows == MR) {
            for (int j = 0; j < cols; j++) {
                for (int i = 0; i < MR; i += V) {
                    int ci = cOff + i + j * ldc;
                    DoubleVector t = DoubleVector.fromArray(SPECIES, tile, i + j * MR);
                    (add ? t.add(DoubleVector.fromArray(SPECIES, c, ci)) : t).intoArray(c, ci);
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
                DoubleVector t = DoubleVector.fromArray(SPECIES, tile, i + j * MR);
                (add ? t.add(DoubleVector.fromArray(SPECIES, c, ci)) : t).intoArray(c, ci);
            }
            for (int i = whole; i < rows; i++) {
                int ci = cOff + i + j * ldc;
                c[ci] = add ? c[ci] + tile[i + j * MR] : tile[i + j * MR];
            }
        }
    }

    private static void store(DoubleVector acc, double[] out, int at, boolean add) {
        (add ? acc.add(DoubleVector.fromArray(SPECIES, out, at)) : acc).intoArray(out, at);
    }
}
