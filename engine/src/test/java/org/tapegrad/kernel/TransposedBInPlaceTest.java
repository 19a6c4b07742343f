package org.tapegrad.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * A transposed B read in place (its rows, one contiguous run of a tile's columns per step) gives the bits of the same
 * product with B transposed beforehand and read by columns: the layout of B decides which loads a tile makes, never
 * the order of any element's sum. Shapes cover one and two tiles of rows, ragged last panels and several slices of k.
 */
class TransposedBInPlaceTest {

    private static final int[][] SHAPES = {
        {12, 8, 1}, {16, 8, 64}, {16, 9, 300}, {24, 17, 257}, {32, 64, 512}, {32, 40, 600}, {48, 24, 513}, {64, 16, 1030}, {64, 67, 200},
    };

    @Test
    void doubleProductWithBTransposedInPlaceEqualsBTransposedBeforehand() {
        assumeTrue(Kernels.vectorAvailable());
        VectorGemm gemm = new VectorGemm(1);
        Random random = new Random(11);
        for (int[] s : SHAPES) {
            int m = s[0], n = s[1], k = s[2];
            for (boolean accumulate : new boolean[] {false, true}) {
                double[] a = random.doubles((long) m * k, -1, 1).toArray();
                double[] bStored = random.doubles((long) n * k, -1, 1).toArray();   // n×k column-major: op(B) = Bᵀ
                double[] bColumns = new double[k * n];                            // op(B) itself, k×n column-major
                for (int p = 0; p < k; p++) {
                    for (int j = 0; j < n; j++) {
                        bColumns[p + j * k] = bStored[j + p * n];
                    }
                }
                double[] start = random.doubles((long) m * n, -1, 1).toArray();
                double[] inPlace = start.clone();
                double[] beforehand = start.clone();
                gemm.gemm(false, true, m, n, k, a, bStored, inPlace, accumulate);
                gemm.gemm(false, false, m, n, k, a, bColumns, beforehand, accumulate);
                assertArrayEquals(beforehand, inPlace, m + "×" + k + "·(" + n + "×" + k + ")ᵀ accumulate=" + accumulate);
            }
        }
    }

    @Test
    void floatProductWithBTransposedInPlaceEqualsBTransposedBeforehand() {
        assumeTrue(Kernels.vectorAvailable());
        VectorGemm gemm = new VectorGemm(1);
        Random random = new Random(12);
        for (int[] s : SHAPES) {
            int m = s[0], n = s[1], k = s[2];
            for (boolean accumulate : new boolean[] {false, true}) {
                float[] a = floats(random, m * k);
                float[] bStored = floats(random, n * k);
                float[] bColumns = new float[k * n];
                for (int p = 0; p < k; p++) {
                    for (int j = 0; j < n; j++) {
                        bColumns[p + j * k] = bStored[j + p * n];
                    }
                }
                float[] start = floats(random, m * n);
                float[] inPlace = start.clone();
                float[] beforehand = start.clone();
                gemm.gemm(false, true, m, n, k, a, bStored, inPlace, accumulate);
                gemm.gemm(false, false, m, n, k, a, bColumns, beforehand, accumulate);
                assertArrayEquals(beforehand, inPlace, m + "×" + k + "·(" + n + "×" + k + ")ᵀ accumulate=" + accumulate);
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
