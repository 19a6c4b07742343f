package org.tapegrad.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.integers;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.tapegrad.check.property.Theories;

/**
 * The float32 products of the built-in kernels (and the interface's plain default, through {@link OjAlgoGemm}) are
 * within the float rounding bound of the exact product, for all four transpose forms, overwriting and accumulating,
 * on shapes that cut through the float kernel's vector, tile, cache and thread blocks (32×8 tiles with 512-bit vectors,
 * {@code KC = 512}, blocks of 512 rows, the small-row path below 12 rows); and the same bits on one thread and two and on the first and a warm call.
 */
class FloatGemmKernelTest {

    static List<GemmKernel> kernels() {
        List<GemmKernel> all = new ArrayList<>(List.of(new JavaGemm(1), new JavaGemm(2), new OjAlgoGemm()));
        if (Kernels.vectorAvailable()) {
            all.add(Kernels.gemm("vector", 1));
            all.add(Kernels.gemm("vector", 2));
        }
        return all;
    }

    @Test
    void allKernelsWithinTheFloatErrorBound() {
        Theories.reproducible(21, 80).forAll(GemmKernelTest.products(integers().between(1, 70)))
                .checkAssert(p -> assertWithinBound(p.m(), p.n(), p.k(), (p.form() & 1) != 0, (p.form() & 2) != 0, (p.form() & 4) != 0, p.seed()));
    }

    @Test
    void largeProductsWithinTheFloatErrorBound() {
        Gen<Integer> dims = Generate.frequency(org.quicktheories.api.Pair.of(3, integers().between(1, 40)),
                org.quicktheories.api.Pair.of(2, integers().between(100, 300)));
        Theories.reproducible(22, 20).forAll(GemmKernelTest.products(dims))
                .checkAssert(p -> assertWithinBound(p.m(), p.n(), p.k(), (p.form() & 1) != 0, (p.form() & 2) != 0, (p.form() & 4) != 0, p.seed()));
    }

    @Test
    void splitProductsWithinTheFloatErrorBound() {
        // Split over threads (m·n·k ≥ 2^23), ragged column blocks and tiles; m = 5 takes the small-row path; 300×40×260
        // has one block of 300 rows (a ragged tile); 530×9×600 has two blocks of rows (512 and a ragged 18), two slices
        // of k (512 and 88) and a ragged 1-column tile.
        for (int[] shape : new int[][] {{45, 1003, 300}, {5, 4000, 500}, {140, 1030, 130}, {300, 40, 260}, {600, 20, 20}, {33, 65, 257}, {530, 9, 600}}) {
            // Each transpose form once, overwriting or accumulating.
            for (int form : new int[] {0, 5, 6, 3}) {
                assertWithinBound(shape[0], shape[1], shape[2], (form & 1) != 0, (form & 2) != 0, (form & 4) != 0, form);
            }
        }
    }

    @Test
    void threadedProductIsIdenticalToSingleThreaded() {
        int m = 45;
        int n = 1003;
        int k = 300;
        Random r = new Random(8);
        float[] a = random(r, m * k);
        float[] b = random(r, k * n);
        for (String name : Kernels.vectorAvailable() ? List.of("java", "vector") : List.of("java")) {
            for (int form = 0; form < 4; form++) {
                boolean transA = (form & 1) != 0, transB = (form & 2) != 0;
                float[] one = new float[m * n];
                float[] two = new float[m * n];
                Kernels.gemm(name, 1).gemm(transA, transB, m, n, k, a, b, one, false);
                Kernels.gemm(name, 2).gemm(transA, transB, m, n, k, a, b, two, false);
                assertArrayEquals(one, two, name + " form " + form);
            }
        }
    }

    /**
     * B read in place under blocks of rows of A ({@code VectorFloatGemm.IN_PLACE_B_ROWS}, 256 with 512-bit vectors: 300 rows are a block and a
     * ragged 44; 512 rows two blocks, over the slices 512 and 88 of k = 600) gives the bits of the same product with B
     * stored transposed, which packs B and takes A as one block: every element the same sum in the same order.
     */
    @Test
    void inPlaceBUnderRowBlocksGivesThePackedBits() {
        Random r = new Random(12);
        for (int[] s : new int[][] {{300, 40, 260}, {512, 24, 600}, {257, 9, 300}}) {
            int m = s[0], n = s[1], k = s[2];
            float[] a = random(r, m * k);
            float[] b = random(r, k * n);
            float[] bTransposed = new float[k * n];
            for (int p = 0; p < k; p++) {
                for (int j = 0; j < n; j++) {
                    bTransposed[j + p * n] = b[p + j * k];
                }
            }
            for (boolean accumulate : new boolean[] {false, true}) {
                float[] inPlace = random(new Random(m), m * n);
                float[] packed = inPlace.clone();
                GemmKernel kernel = Kernels.gemm(Kernels.vectorAvailable() ? "vector" : "java", 1);
                kernel.gemm(false, false, m, n, k, a, b, inPlace, accumulate);
                kernel.gemm(false, true, m, n, k, a, bTransposed, packed, accumulate);
                assertArrayEquals(packed, inPlace, m + "×" + k + "·" + k + "×" + n + (accumulate ? " accumulating" : ""));
            }
        }
    }

    /** The first (interpreted) call and a warm one give the same bits: small-row (lane sums), packed and in-place B. */
    @Test
    void firstCallAndWarmCallsGiveTheSameBits() {
        Random r = new Random(4);
        int[][] shapes = {{1, 64, 64}, {5, 33, 17}, {40, 40, 24}};
        for (GemmKernel kernel : kernels()) {
            for (int[] s : shapes) {
                int m = s[0], n = s[1], k = s[2];
                float[] a = random(r, m * k);
                float[] b = random(r, k * n);
                for (int form = 0; form < 4; form++) {
                    boolean transA = (form & 1) != 0, transB = (form & 2) != 0;
                    float[] first = new float[m * n];
                    kernel.gemm(transA, transB, m, n, k, a, b, first, false);
                    float[] warm = new float[m * n];
                    for (int call = 0; call < 2000; call++) {
                        kernel.gemm(transA, transB, m, n, k, a, b, warm, false);
                    }
                    assertArrayEquals(first, warm, kernel.name() + " " + m + "×" + k + "·" + k + "×" + n + " form " + form);
                }
            }
        }
    }

    @Test
    void emptyInnerDimensionGivesZeroOrLeavesC() {
        for (GemmKernel kernel : kernels()) {
            float[] c = {1, 2, 3, 4, 5, 6};
            kernel.gemm(false, false, 2, 3, 0, new float[0], new float[0], c, true);
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, c, kernel.name());
            kernel.gemm(false, false, 2, 3, 0, new float[0], new float[0], c, false);
            assertArrayEquals(new float[6], c, kernel.name());
        }
    }

    /**
     * {@code |c − exact| ≤ (k + 2)·2^−24·(Σ_p |a_ip·b_pj| + |c0|)}: the bound of a float sum of k products and one
     * add, with the exact product taken in double (exact for float inputs up to the rounding of the double sum).
     */
    private static void assertWithinBound(int m, int n, int k, boolean transA, boolean transB, boolean accumulate, int seed) {
        Random r = new Random(seed);
        float[] a = random(r, m * k);
        float[] b = random(r, k * n);
        float[] c0 = random(r, m * n);
        double[] exact = new double[m * n];
        double[] magnitude = new double[m * n];
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < m; i++) {
                double s = accumulate ? c0[i + j * m] : 0;
                double mag = accumulate ? Math.abs(c0[i + j * m]) : 0;
                for (int p = 0; p < k; p++) {
                    double x = transA ? a[p + i * k] : a[i + p * m];
                    double y = transB ? b[j + p * n] : b[p + j * k];
                    s += x * y;
                    mag += Math.abs(x * y);
                }
                exact[i + j * m] = s;
                magnitude[i + j * m] = mag;
            }
        }
        for (GemmKernel kernel : kernels()) {
            float[] c = c0.clone();
            kernel.gemm(transA, transB, m, n, k, a, b, c, accumulate);
            for (int i = 0; i < c.length; i++) {
                double bound = (k + 2) * 0x1p-24 * magnitude[i];
                double error = Math.abs(c[i] - exact[i]);
                int at = i;
                assertTrue(error <= bound, () -> kernel.name() + " " + m + "×" + k + "·" + k + "×" + n + " transA=" + transA
                        + " transB=" + transB + " accumulate=" + accumulate + " element " + at + ": " + c[at] + " vs exact "
                        + exact[at] + ", error " + error + " > bound " + bound);
            }
        }
    }

    private static float[] random(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }
}
