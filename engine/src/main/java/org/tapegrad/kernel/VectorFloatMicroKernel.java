package org.tapegrad.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link VectorMicroKernel} in float32, the register-blocked heart of {@link VectorFloatGemm}: one {@code MR×NR} tile
 * of {@code C} (2 vectors of 16 floats × 4 columns with 512-bit vectors, 8 accumulators) held in registers across a
 * {@code kc}-long slice of the inner dimension, one fused multiply-add per accumulator per step, each lane summing its
 * products in increasing p (so the same bits on every call, tier and thread count). {@code A} comes packed,
 * {@code B} packed or, in {@link #multiplyUnpackedB}, read where it lies. The tile is the double kernel's: measured
 * against 2 vectors × 6 columns on Zen 4 (one run, loaded machine): no faster at 512³ or at 32×192·192×512, and 32 rows fit batches of 32.
 */
final class VectorFloatMicroKernel {

    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    /** Floats per vector. */
    static final int V = SPECIES.length();
    /** Rows of a tile: 2 vectors. */
    static final int MR = 2 * V;
    /** Columns of a tile. */
    static final int NR = 4;

    private VectorFloatMicroKernel() {
    }

    /**
     * {@code C[rows×cols tile] (+)= Apanel · Bpanel} over {@code kc} steps.
     *
     * @param ap packed A: step p holds the tile's {@code MR} rows at {@code aOff + p·MR}
     * @param bp packed B: step p holds the tile's {@code NR} columns at {@code bOff + p·NR}
     * @param c  C(row, col) at {@code cOff + row + col·ldc}; only {@code rows×cols} of it are written
     * @param add add into C when true, overwrite when false
     * @param tile scratch of at least {@code MR·NR} floats, used only for a ragged tile
     */
    static void multiply(int kc, float[] ap, int aOff, float[] bp, int bOff,
            float[] c, int cOff, int ldc, int rows, int cols, boolean add, float[] tile) {
        FloatVector zero = FloatVector.zero(SPECIES);
        FloatVector c00 = zero, c10 = zero;
        FloatVector c01 = zero, c11 = zero;
        FloatVector c02 = zero, c12 = zero;
        FloatVector c03 = zero, c13 = zero;
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
        }
        // Spelled out in both kernels: as a method taking the eight accumulators it was not always inlined.
        boolean full = rows == MR && cols == NR;
        float[] out = full ? c : tile;
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

    /**
     * As {@link #multiply}, but B read where it lies, column-major with column {@code j} of the tile starting at
     * {@code bOff + j·ldb}: no packing, for when each panel of B is used by a single block of rows anyway. Columns
     * past {@code cols} reread the last one, and their results are dropped.
     */
    static void multiplyUnpackedB(int kc, float[] ap, int aOff, float[] b, int bOff, int step, int ldb,
            float[] c, int cOff, int ldc, int rows, int cols, boolean add, float[] tile) {
        int b1 = Math.min(1, cols - 1) * ldb;
        int b2 = Math.min(2, cols - 1) * ldb;
        int b3 = Math.min(3, cols - 1) * ldb;
        int bi = bOff;
        FloatVector zero = FloatVector.zero(SPECIES);
        FloatVector c00 = zero, c10 = zero;
        FloatVector c01 = zero, c11 = zero;
        FloatVector c02 = zero, c12 = zero;
        FloatVector c03 = zero, c13 = zero;
        for (int p = 0; p < kc; p++, bi += step) {
            int a = aOff + p * MR;
            FloatVector a0 = FloatVector.fromArray(SPECIES, ap, a);
            FloatVector a1 = FloatVector.fromArray(SPECIES, ap, a + V);
            FloatVector v0 = FloatVector.broadcast(SPECIES, b[bi]);
            c00 = a0.fma(v0, c00);
            c10 = a1.fma(v0, c10);
            FloatVector v1 = FloatVector.broadcast(SPECIES, b[bi + b1]);
            c01 = a0.fma(v1, c01);
            c11 = a1.fma(v1, c11);
            FloatVector v2 = FloatVector.broadcast(SPECIES, b[bi + b2]);
            c02 = a0.fma(v2, c02);
            c12 = a1.fma(v2, c12);
            FloatVector v3 = FloatVector.broadcast(SPECIES, b[bi + b3]);
            c03 = a0.fma(v3, c03);
            c13 = a1.fma(v3, c13);
        }
        // Spelled out in both kernels: as a method taking the eight accumulators it was not always inlined.
        boolean full = rows == MR && cols == NR;
        float[] out = full ? c : tile;
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

    private static void store(FloatVector acc, float[] out, int at, boolean add) {
        (add ? acc.add(FloatVector.fromArray(SPECIES, out, at)) : acc).intoArray(out, at);
    }
}
