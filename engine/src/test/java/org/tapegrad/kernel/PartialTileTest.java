package org.tapegrad.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * A tile with at most one vector of rows runs a kernel of half the width ({@code multiplyHalf8} and its in-place
 * variants); its rows must carry the bits they get as the top rows of a full tile, with B packed, read in place by
 * columns, or read in place by rows (transposed).
 */
class PartialTileTest {

    @Test
    void doubleRowsOfAHalfTileEqualTheSameRowsOfAFullTile() {
        assumeTrue(Kernels.vectorAvailable());
        VectorGemm gemm = new VectorGemm(1);
        Random random = new Random(21);
        int full = 4 * VectorMicroKernel.MR;   // four whole tiles: with a transposed B above two tiles, B is packed
        for (int rows = 12; rows <= full; rows++) {
            for (int[] nk : new int[][] {{8, 64}, {19, 300}, {64, 513}, {520, 40}}) {
                int n = nk[0], k = nk[1];
                for (int form = 0; form < 4; form++) {
                    boolean transB = (form & 1) != 0, accumulate = (form & 2) != 0;
                    double[] aFull = random.doubles((long) full * k, -1, 1).toArray();   // full×k column-major
                    double[] aPart = new double[rows * k];
                    for (int p = 0; p < k; p++) {
                        System.arraycopy(aFull, p * full, aPart, p * rows, rows);
                    }
                    double[] b = random.doubles((long) k * n, -1, 1).toArray();
                    double[] cFull = random.doubles((long) full * n, -1, 1).toArray();
                    double[] cPart = new double[rows * n];
                    for (int j = 0; j < n; j++) {
                        System.arraycopy(cFull, j * full, cPart, j * rows, rows);
                    }
                    gemm.gemm(false, transB, full, n, k, aFull, b, cFull, accumulate);
                    gemm.gemm(false, transB, rows, n, k, aPart, b, cPart, accumulate);
                    for (int j = 0; j < n; j++) {
                        for (int i = 0; i < rows; i++) {
                            assertEquals(Double.doubleToLongBits(cFull[i + j * full]), Double.doubleToLongBits(cPart[i + j * rows]),
                                    rows + "×" + k + "·" + k + "×" + n + " transB=" + transB + " accumulate=" + accumulate + " at (" + i + ", " + j + ")");
                        }
                    }
                }
            }
        }
    }

    @Test
    void floatRowsOfAHalfTileEqualTheSameRowsOfAFullTile() {
        assumeTrue(Kernels.vectorAvailable());
        VectorGemm gemm = new VectorGemm(1);
        Random random = new Random(22);
        int full = 4 * VectorFloatMicroKernel.MR;
        for (int rows = 12; rows <= full; rows += 5) {
            for (int[] nk : new int[][] {{8, 64}, {19, 300}, {64, 600}, {520, 40}}) {
                int n = nk[0], k = nk[1];
                for (int form = 0; form < 4; form++) {
                    boolean transB = (form & 1) != 0, accumulate = (form & 2) != 0;
                    float[] aFull = floats(random, full * k);
                    float[] aPart = new float[rows * k];
                    for (int p = 0; p < k; p++) {
                        System.arraycopy(aFull, p * full, aPart, p * rows, rows);
                    }
                    float[] b = floats(random, k * n);
                    float[] cFull = floats(random, full * n);
                    float[] cPart = new float[rows * n];
                    for (int j = 0; j < n; j++) {
                        System.arraycopy(cFull, j * full, cPart, j * rows, rows);
                    }
                    gemm.gemm(false, transB, full, n, k, aFull, b, cFull, accumulate);
                    gemm.gemm(false, transB, rows, n, k, aPart, b, cPart, accumulate);
                    for (int j = 0; j < n; j++) {
                        for (int i = 0; i < rows; i++) {
                            assertEquals(Float.floatToIntBits(cFull[i + j * full]), Float.floatToIntBits(cPart[i + j * rows]),
                                    rows + "×" + k + "·" + k + "×" + n + " transB=" + transB + " accumulate=" + accumulate + " at (" + i + ", " + j + ")");
                        }
                    }
                }
            }
        }
    }

    private static float[] floats(Random random, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = random.nextFloat() * 2 - 1;
        }
        return x;
    }
}
