package org.tapegrad.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * The row-at-a-time vector product (fewer than 4 rows of C, B not transposed) gives the bits of one fixed scalar
 * model on every machine: each dot product in {@link VectorSmallGemm#W} (float: {@link VectorSmallFloatGemm#W})
 * lanes, lane l the products p ≡ l below the last whole group, the lanes summed in order, then the remaining
 * products one by one; the columns past the last group of 4 one fused multiply-add after another from p = 0. When
 * the lanes were the hardware's own, a 256-bit machine summed in 4 (float: 8) lanes and a 512-bit one in 8 (16),
 * and training runs differed between them from the first weight gradient with fewer than 4 rows (the tour's adding
 * task: tanh RNN test MSE 0.176 on AMD Zen 3, 0.179 on AVX-512 machines). Every shape with m ≤ 3, k ≤ 40, n ≤ 9,
 * both types, overwriting and accumulating; exact equality.
 */
class SmallGemmLaneOrderTest {

    @Test
    void doubleDotProductsAreTheFixedLaneModelBitForBit() {
        assumeTrue(Kernels.vectorAvailable(), "the Vector API module is not enabled");
        GemmKernel gemm = Kernels.gemm("vector", 1);
        SplittableRandom random = new SplittableRandom(3);
        for (int m = 1; m <= 3; m++) {
            for (int k = 0; k <= 40; k++) {
                for (int n = 1; n <= 9; n++) {
                    double[] a = random.doubles((long) m * k, -1, 1).toArray();
                    double[] b = random.doubles((long) k * n, -1, 1).toArray();
                    double[] start = random.doubles((long) m * n, -1, 1).toArray();
                    for (boolean accumulate : new boolean[] {false, true}) {
                        double[] c = start.clone();
                        gemm.gemm(false, false, m, n, k, a, b, c, accumulate);
                        for (int i = 0; i < m; i++) {
                            for (int j = 0; j < n; j++) {
                                double s = model(a, b, m, n, k, i, j, VectorSmallGemm.W);
                                double expected = accumulate ? start[i + j * m] + s : s;
                                assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(c[i + j * m]),
                                        where(m, k, n, i, j, accumulate));
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void floatDotProductsAreTheFixedLaneModelBitForBit() {
        assumeTrue(Kernels.vectorAvailable(), "the Vector API module is not enabled");
        GemmKernel gemm = Kernels.gemm("vector", 1);
        SplittableRandom random = new SplittableRandom(4);
        for (int m = 1; m <= 3; m++) {
            for (int k = 0; k <= 40; k++) {
                for (int n = 1; n <= 9; n++) {
                    float[] a = floats(random, m * k);
                    float[] b = floats(random, k * n);
                    float[] start = floats(random, m * n);
                    for (boolean accumulate : new boolean[] {false, true}) {
                        float[] c = start.clone();
                        gemm.gemm(false, false, m, n, k, a, b, c, accumulate);
                        for (int i = 0; i < m; i++) {
                            for (int j = 0; j < n; j++) {
                                float s = model(a, b, m, n, k, i, j, VectorSmallFloatGemm.W);
                                float expected = accumulate ? start[i + j * m] + s : s;
                                assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(c[i + j * m]),
                                        where(m, k, n, i, j, accumulate));
                            }
                        }
                    }
                }
            }
        }
    }

    /** Σ_p A(i,p)·B(p,j) as the kernel is specified to sum it (A m×k and B k×n column-major). */
    private static double model(double[] a, double[] b, int m, int n, int k, int i, int j, int lanes) {
        double s = 0;
        if (j >= n - n % 4) {
            for (int p = 0; p < k; p++) {
                s = Math.fma(a[i + p * m], b[p + j * k], s);
            }
            return s;
        }
        int whole = k - k % lanes;
        double[] lane = new double[lanes];
        for (int p = 0; p < whole; p += lanes) {
            for (int l = 0; l < lanes; l++) {
                lane[l] = Math.fma(a[i + (p + l) * m], b[p + l + j * k], lane[l]);
            }
        }
        s = lane[0];
        for (int l = 1; l < lanes; l++) {
            s += lane[l];
        }
        for (int p = whole; p < k; p++) {
            s = Math.fma(a[i + p * m], b[p + j * k], s);
        }
        return s;
    }

    private static float model(float[] a, float[] b, int m, int n, int k, int i, int j, int lanes) {
        float s = 0f;
        if (j >= n - n % 4) {
            for (int p = 0; p < k; p++) {
                s = Math.fma(a[i + p * m], b[p + j * k], s);
            }
            return s;
        }
        int whole = k - k % lanes;
        float[] lane = new float[lanes];
        for (int p = 0; p < whole; p += lanes) {
            for (int l = 0; l < lanes; l++) {
                lane[l] = Math.fma(a[i + (p + l) * m], b[p + l + j * k], lane[l]);
            }
        }
        s = lane[0];
        for (int l = 1; l < lanes; l++) {
            s += lane[l];
        }
        for (int p = whole; p < k; p++) {
            s = Math.fma(a[i + p * m], b[p + j * k], s);
        }
        return s;
    }

    private static String where(int m, int k, int n, int i, int j, boolean accumulate) {
        return m + "×" + k + "·" + k + "×" + n + " C(" + i + "," + j + ")" + (accumulate ? " accumulated" : "");
    }

    private static float[] floats(SplittableRandom random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextDouble(-1, 1);
        }
        return v;
    }
}
