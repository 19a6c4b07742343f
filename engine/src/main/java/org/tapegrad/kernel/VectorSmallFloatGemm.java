package org.tapegrad.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link VectorSmallGemm} in float32, 16 lanes per 512-bit vector: a {@code C} of only a few rows computed a row at
 * a time without packing {@code B}, vectors along the columns of {@code C} when {@code B} is stored transposed and
 * along the inner dimension otherwise, each dot product's lanes summed in lane order (float products, float sums).
 */
final class VectorSmallFloatGemm {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int V = SPECIES.length();
    /** Lanes of a dot product's partial sums, whatever the machine's vectors: one 512-bit vector of floats. */
    static final int W = 16;
    /** Per-thread room for one dot product's {@value #W} lanes (see {@link #sumInLaneOrder}). */
    private static final ThreadLocal<float[]> LANES = ThreadLocal.withInitial(() -> new float[W]);
    /** Columns of C per pass: four accumulators. */
    private static final int COLUMNS = 4;

    private VectorSmallFloatGemm() {
    }

    /**
     * {@code C(i, [j0, j1)) (+)= op(A)(i, :) · op(B)(:, [j0, j1))} for every row i; shapes and storage as in
     * {@link GemmKernel}.
     *
     * @param rowScratch at least {@code k + 4·V} floats
     */
    static void gemm(boolean transA, boolean transB, int m, int n, int k, float[] a, float[] b, float[] c,
            boolean accumulate, int j0, int j1, float[] rowScratch) {
        for (int i = 0; i < m; i++) {
            // Row i of op(A) made contiguous: A(i, p) at p + i·k when transposed, else at i + p·m.
            float[] row = a;
            int rowOff = i * k;
            if (!transA) {
                row = rowScratch;
                rowOff = 0;
                for (int p = 0; p < k; p++) {
                    row[p] = a[i + p * m];
                }
            }
            if (transB) {
                axpyRow(row, rowOff, n, k, b, c, i, m, accumulate, j0, j1, rowScratch);
            } else {
                dotRow(row, rowOff, k, b, c, i, m, accumulate, j0, j1);
            }
        }
    }

    /** B stored {@code n×k}: {@code C(i, j..) += Σ_p A(i,p)·B(j.., p)}, vectors along j. */
    private static void axpyRow(float[] row, int rowOff, int n, int k, float[] b, float[] c, int i, int m,
            boolean accumulate, int j0, int j1, float[] scratch) {
        int out = scratch.length - COLUMNS * V;
        int j = j0;
        for (; j + COLUMNS * V <= j1; j += COLUMNS * V) {
            FloatVector s0 = FloatVector.zero(SPECIES);
            FloatVector s1 = s0;
            FloatVector s2 = s0;
            FloatVector s3 = s0;
            for (int p = 0; p < k; p++) {
                FloatVector x = FloatVector.broadcast(SPECIES, row[rowOff + p]);
                int at = j + p * n;
                s0 = FloatVector.fromArray(SPECIES, b, at).fma(x, s0);
                s1 = FloatVector.fromArray(SPECIES, b, at + V).fma(x, s1);
                s2 = FloatVector.fromArray(SPECIES, b, at + 2 * V).fma(x, s2);
                s3 = FloatVector.fromArray(SPECIES, b, at + 3 * V).fma(x, s3);
            }
            if (m == 1) {
                store(s0, c, j, accumulate);
                store(s1, c, j + V, accumulate);
                store(s2, c, j + 2 * V, accumulate);
                store(s3, c, j + 3 * V, accumulate);
            } else {
                // C(i, j) lies m apart along a row: go through the scratch.
                s0.intoArray(scratch, out);
                s1.intoArray(scratch, out + V);
                s2.intoArray(scratch, out + 2 * V);
                s3.intoArray(scratch, out + 3 * V);
                for (int t = 0; t < COLUMNS * V; t++) {
                    int ci = i + (j + t) * m;
                    c[ci] = accumulate ? c[ci] + scratch[out + t] : scratch[out + t];
                }
            }
        }
        for (; j < j1; j++) {
            float s = 0f;
            for (int p = 0; p < k; p++) {
                s = Math.fma(row[rowOff + p], b[j + p * n], s);
            }
            int ci = i + j * m;
            c[ci] = accumulate ? c[ci] + s : s;
        }
    }

    /**
     * B stored {@code k×n}: {@code C(i, j) += Σ_p A(i,p)·B(p, j)}, vectors along p, four columns at a time. Each dot
     * product is summed in {@value #W} lanes, lane l taking the products p ≡ l (mod {@value #W}) below the last whole
     * group, then the lanes in order, then the remaining products one by one: the same bits whatever the machine's
     * vector width ({@value #W} lanes are one 512-bit vector; with 256-bit vectors each lane group is two vectors, with
     * any other width the lanes are kept in scalars). Summed in the hardware's own lane count, as it first was, a
     * small product gave other bits with 256-bit vectors than with 512-bit ones, and so did every training run built on it.
     */
    private static void dotRow(float[] row, int rowOff, int k, float[] b, float[] c, int i, int m,
            boolean accumulate, int j0, int j1) {
        int kw = k - k % W;
        float[] lanes = LANES.get();
        int j = j0;
        for (; j + COLUMNS <= j1; j += COLUMNS) {
            int b0 = j * k;
            float d0;
            float d1;
            float d2;
            float d3;
            if (V == W) {
                FloatVector s0 = FloatVector.zero(SPECIES);
                FloatVector s1 = s0;
                FloatVector s2 = s0;
                FloatVector s3 = s0;
                for (int p = 0; p < kw; p += W) {
                    FloatVector x = FloatVector.fromArray(SPECIES, row, rowOff + p);
                    s0 = FloatVector.fromArray(SPECIES, b, b0 + p).fma(x, s0);
                    s1 = FloatVector.fromArray(SPECIES, b, b0 + k + p).fma(x, s1);
                    s2 = FloatVector.fromArray(SPECIES, b, b0 + 2 * k + p).fma(x, s2);
                    s3 = FloatVector.fromArray(SPECIES, b, b0 + 3 * k + p).fma(x, s3);
                }
                s0.intoArray(lanes, 0);
                d0 = sumInLaneOrder(lanes);
                s1.intoArray(lanes, 0);
                d1 = sumInLaneOrder(lanes);
                s2.intoArray(lanes, 0);
                d2 = sumInLaneOrder(lanes);
                s3.intoArray(lanes, 0);
                d3 = sumInLaneOrder(lanes);
            } else if (2 * V == W) {
                FloatVector lo0 = FloatVector.zero(SPECIES);
                FloatVector hi0 = lo0;
                FloatVector lo1 = lo0;
                FloatVector hi1 = lo0;
                FloatVector lo2 = lo0;
                FloatVector hi2 = lo0;
                FloatVector lo3 = lo0;
                FloatVector hi3 = lo0;
                for (int p = 0; p < kw; p += W) {
                    FloatVector xl = FloatVector.fromArray(SPECIES, row, rowOff + p);
                    FloatVector xh = FloatVector.fromArray(SPECIES, row, rowOff + p + V);
                    lo0 = FloatVector.fromArray(SPECIES, b, b0 + p).fma(xl, lo0);
                    hi0 = FloatVector.fromArray(SPECIES, b, b0 + p + V).fma(xh, hi0);
                    lo1 = FloatVector.fromArray(SPECIES, b, b0 + k + p).fma(xl, lo1);
                    hi1 = FloatVector.fromArray(SPECIES, b, b0 + k + p + V).fma(xh, hi1);
                    lo2 = FloatVector.fromArray(SPECIES, b, b0 + 2 * k + p).fma(xl, lo2);
                    hi2 = FloatVector.fromArray(SPECIES, b, b0 + 2 * k + p + V).fma(xh, hi2);
                    lo3 = FloatVector.fromArray(SPECIES, b, b0 + 3 * k + p).fma(xl, lo3);
                    hi3 = FloatVector.fromArray(SPECIES, b, b0 + 3 * k + p + V).fma(xh, hi3);
                }
                lo0.intoArray(lanes, 0);
                hi0.intoArray(lanes, V);
                d0 = sumInLaneOrder(lanes);
                lo1.intoArray(lanes, 0);
                hi1.intoArray(lanes, V);
                d1 = sumInLaneOrder(lanes);
                lo2.intoArray(lanes, 0);
                hi2.intoArray(lanes, V);
                d2 = sumInLaneOrder(lanes);
                lo3.intoArray(lanes, 0);
                hi3.intoArray(lanes, V);
                d3 = sumInLaneOrder(lanes);
            } else {
                d0 = scalarLanes(row, rowOff, b, b0, kw, lanes);
                d1 = scalarLanes(row, rowOff, b, b0 + k, kw, lanes);
                d2 = scalarLanes(row, rowOff, b, b0 + 2 * k, kw, lanes);
                d3 = scalarLanes(row, rowOff, b, b0 + 3 * k, kw, lanes);
            }
            for (int p = kw; p < k; p++) {
                float x = row[rowOff + p];
                d0 = Math.fma(x, b[b0 + p], d0);
                d1 = Math.fma(x, b[b0 + k + p], d1);
                d2 = Math.fma(x, b[b0 + 2 * k + p], d2);
                d3 = Math.fma(x, b[b0 + 3 * k + p], d3);
            }
            put(c, i + j * m, d0, accumulate);
            put(c, i + (j + 1) * m, d1, accumulate);
            put(c, i + (j + 2) * m, d2, accumulate);
            put(c, i + (j + 3) * m, d3, accumulate);
        }
        for (; j < j1; j++) {
            float s = 0f;
            for (int p = 0; p < k; p++) {
                s = Math.fma(row[rowOff + p], b[p + j * k], s);
            }
            put(c, i + j * m, s, accumulate);
        }
    }

    /** The {@value #W} lanes of one dot product over {@code p < kw} in scalars, then summed in lane order. */
    private static float scalarLanes(float[] row, int rowOff, float[] b, int bOff, int kw, float[] lanes) {
        java.util.Arrays.fill(lanes, 0f);
        for (int p = 0; p < kw; p += W) {
            for (int l = 0; l < W; l++) {
                lanes[l] = Math.fma(row[rowOff + p + l], b[bOff + p + l], lanes[l]);
            }
        }
        return sumInLaneOrder(lanes);
    }

    /**
     * {@code v[0] + v[1] + … + v[W−1]}, added in that order. Not {@code reduceLanes(ADD)}: the Vector API leaves the
     * order of a floating-point reduction open, and JDK 25's intrinsic adds in another order than its Java fallback
     * (measured: the first, interpreted, call and a compiled one differed in the last bit), which would make results
     * depend on the JIT tier.
     */
    private static float sumInLaneOrder(float[] lanes) {
        float s = lanes[0];
        for (int l = 1; l < W; l++) {
            s += lanes[l];
        }
        return s;
    }

    private static void store(FloatVector v, float[] c, int at, boolean accumulate) {
        (accumulate ? v.add(FloatVector.fromArray(SPECIES, c, at)) : v).intoArray(c, at);
    }

    private static void put(float[] c, int at, float v, boolean accumulate) {
        c[at] = accumulate ? c[at] + v : v;
    }
}
