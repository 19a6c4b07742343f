package org.tapegrad.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * The register-tile products (4 rows of C or more; when B is stored transposed 6 or more in double, 10 in float) give the bits of one fixed
 * scalar model on every machine: each element of C summed over pieces of {@value #PIECE} steps of the inner
 * dimension, each piece one fused multiply-add after another from zero in increasing p, the pieces added to C in
 * order ({@code C = s₀} or {@code C + s₀}, then {@code C + s₁}, …). Neither the tile's size, the vector width, the
 * thread count nor whether B was packed beforehand changes that. The float kernel had summed 512-step pieces on
 * 512-bit machines and 256-step ones on the others, so that every float product with 256 < k (an LSTM with
 * I + H > 256, its backward products with 4H > 256) differed between an AVX-512 machine and an AVX2 one.
 */
class TileSumOrderTest {

    private static final int PIECE = 256;
    private static final int[] ROWS = {10, 16, 33};
    private static final int[] INNER = {1, 7, 255, 256, 257, 300, 512, 513, 700};
    private static final int[] COLUMNS = {1, 9, 17};

    @Test
    void floatTilesAreTheFixedPieceModelBitForBit() {
        assumeTrue(Kernels.vectorAvailable(), "the Vector API module is not enabled");
        SplittableRandom random = new SplittableRandom(5);
        for (int threads : new int[] {1, 2}) {
            GemmKernel gemm = Kernels.gemm("vector", threads);
            for (int m : ROWS) {
                for (int k : INNER) {
                    for (int n : COLUMNS) {
                        float[] a = floats(random, m * k);
                        float[] b = floats(random, k * n);
                        float[] start = floats(random, m * n);
                        for (int form = 0; form < 5; form++) {
                            boolean transA = (form & 1) != 0;
                            boolean transB = (form & 2) != 0;
                            boolean packed = form == 4;
                            for (boolean accumulate : new boolean[] {false, true}) {
                                float[] c = start.clone();
                                if (packed) {
                                    gemm.gemm(false, m, n, k, a, gemm.pack(false, k, n, b, m, null), c, accumulate);
                                } else {
                                    gemm.gemm(transA, transB, m, n, k, a, b, c, accumulate);
                                }
                                for (int i = 0; i < m; i++) {
                                    for (int j = 0; j < n; j++) {
                                        float expected = start[i + j * m];
                                        for (int p0 = 0; p0 < k; p0 += PIECE) {
                                            float s = 0f;
                                            for (int p = p0; p < Math.min(k, p0 + PIECE); p++) {
                                                s = Math.fma(a[transA ? p + i * k : i + p * m], b[transB ? j + p * n : p + j * k], s);
                                            }
                                            expected = p0 == 0 && !accumulate ? s : expected + s;
                                        }
                                        assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(c[i + j * m]),
                                                () -> "f32 " + m + "×" + k + "·" + k + "×" + n + " transA " + transA + " transB " + transB
                                                        + " packed " + packed + " accumulate " + accumulate + " threads " + threads);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void doubleTilesAreTheFixedPieceModelBitForBit() {
        assumeTrue(Kernels.vectorAvailable(), "the Vector API module is not enabled");
        SplittableRandom random = new SplittableRandom(6);
        GemmKernel gemm = Kernels.gemm("vector", 1);
        for (int m : ROWS) {
            for (int k : INNER) {
                for (int n : COLUMNS) {
                    double[] a = random.doubles((long) m * k, -1, 1).toArray();
                    double[] b = random.doubles((long) k * n, -1, 1).toArray();
                    double[] start = random.doubles((long) m * n, -1, 1).toArray();
                    for (int form = 0; form < 4; form++) {
                        boolean transA = (form & 1) != 0;
                        boolean transB = (form & 2) != 0;
                        for (boolean accumulate : new boolean[] {false, true}) {
                            double[] c = start.clone();
                            gemm.gemm(transA, transB, m, n, k, a, b, c, accumulate);
                            for (int i = 0; i < m; i++) {
                                for (int j = 0; j < n; j++) {
                                    double expected = start[i + j * m];
                                    for (int p0 = 0; p0 < k; p0 += PIECE) {
                                        double s = 0;
                                        for (int p = p0; p < Math.min(k, p0 + PIECE); p++) {
                                            s = Math.fma(a[transA ? p + i * k : i + p * m], b[transB ? j + p * n : p + j * k], s);
                                        }
                                        expected = p0 == 0 && !accumulate ? s : expected + s;
                                    }
                                    assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(c[i + j * m]),
                                            "f64 " + m + "×" + k + "·" + k + "×" + n + " transA " + transA + " transB " + transB
                                                    + " accumulate " + accumulate);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private static float[] floats(SplittableRandom random, int size) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = (float) random.nextDouble(-1, 1);
        }
        return v;
    }
}
