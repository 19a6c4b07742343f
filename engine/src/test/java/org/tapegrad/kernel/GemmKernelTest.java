package org.tapegrad.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.quicktheories.generators.SourceDSL.integers;

import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.tapegrad.check.property.Theories;

/**
 * Every available kernel, on one thread and split over threads, computes the same product as a triple loop, for all
 * four transpose forms, overwriting and accumulating, including shapes that cut through the vector, tile and cache
 * blocks of {@link VectorGemm} ({@code KC = 256}) and its small-row path.
 */
class GemmKernelTest {

    static List<GemmKernel> kernels() {
        List<GemmKernel> all = new ArrayList<>(List.of(new JavaGemm(1), new JavaGemm(2), new OjAlgoGemm()));
        if (Kernels.vectorAvailable()) {
            all.add(Kernels.gemm("vector", 1));
            all.add(Kernels.gemm("vector", 2));
        }
        return all;
    }

    /** m, n, k, the transpose flags and accumulation packed as one case, so QuickTheories shrinks them together. */
    record Product(int m, int n, int k, int form, int seed) {
        @Override
        public String toString() {
            return m + "×" + k + "·" + k + "×" + n + " transA=" + ((form & 1) != 0) + " transB=" + ((form & 2) != 0)
                    + " accumulate=" + ((form & 4) != 0) + " seed=" + seed;
        }
    }

    static Gen<Product> products(Gen<Integer> dims) {
        return dims.zip(dims, dims, integers().between(0, 7), integers().between(0, 1000), Product::new);
    }

    @Test
    void allKernelsAgreeWithTheTripleLoop() {
        Theories.reproducible(11, 80).forAll(products(integers().between(1, 70)))
                .checkAssert(p -> assertAllKernelsAgree(p.m(), p.n(), p.k(), (p.form() & 1) != 0, (p.form() & 2) != 0, (p.form() & 4) != 0, p.seed()));
    }

    /** Small shapes, often, and occasionally shapes large enough to be split over threads and cache blocks. */
    @Test
    void largeProductsAgreeWithTheTripleLoop() {
        Gen<Integer> dims = Generate.frequency(org.quicktheories.api.Pair.of(3, integers().between(1, 40)),
                org.quicktheories.api.Pair.of(2, integers().between(100, 300)));
        Theories.reproducible(12, 25).forAll(products(dims))
                .checkAssert(p -> assertAllKernelsAgree(p.m(), p.n(), p.k(), (p.form() & 1) != 0, (p.form() & 2) != 0, (p.form() & 4) != 0, p.seed()));
    }

    @Test
    void threadedProductIsIdenticalToSingleThreaded() {
        // Large enough to be split (m·n·k ≥ 2^23) with a ragged last block of columns and a second k slice.
        int m = 45;
        int n = 1003;
        int k = 300;
        Random r = new Random(7);
        double[] a = random(r, m * k);
        double[] b = random(r, k * n);
        for (String name : Kernels.vectorAvailable() ? List.of("java", "vector") : List.of("java")) {
            for (boolean transB : new boolean[] {false, true}) {
                double[] one = new double[m * n];
                double[] two = new double[m * n];
                Kernels.gemm(name, 1).gemm(true, transB, m, n, k, a, b, one, false);
                Kernels.gemm(name, 2).gemm(true, transB, m, n, k, a, b, two, false);
                org.junit.jupiter.api.Assertions.assertArrayEquals(one, two, name + " transB=" + transB);
            }
        }
    }

    @Test
    void splitProductsAgreeWithTheTripleLoop() {
        // 45×1003×300, 5×4000×500 and 140×1030×130 have m·n·k ≥ 2^23, so the threaded kernels split them; m = 5 takes
        // the vector kernel's small-row path; 140×1030×130 has, single-threaded, two ragged blocks of columns in the
        // vector kernel, whose A (short k) is packed as one block of rows; 300×40×260 has three blocks of rows and two
        // slices of k.
        for (int[] shape : new int[][] {{45, 1003, 300}, {5, 4000, 500}, {140, 1030, 130}, {300, 40, 260}}) {
            for (int form = 0; form < 8; form++) {
                assertAllKernelsAgree(shape[0], shape[1], shape[2], (form & 1) != 0, (form & 2) != 0, (form & 4) != 0, form);
            }
        }
    }

    @Test
    void emptyInnerDimensionGivesZeroOrLeavesC() {
        for (GemmKernel kernel : kernels()) {
            double[] c = {1, 2, 3, 4, 5, 6};
            kernel.gemm(false, false, 2, 3, 0, new double[0], new double[0], c, true);
            org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, c, kernel.name());
            kernel.gemm(false, false, 2, 3, 0, new double[0], new double[0], c, false);
            org.junit.jupiter.api.Assertions.assertArrayEquals(new double[6], c, kernel.name());
        }
    }

    private static void assertAllKernelsAgree(int m, int n, int k, boolean transA, boolean transB, boolean accumulate, int seed) {
        Random r = new Random(seed);
        double[] a = random(r, m * k);
        double[] b = random(r, k * n);
        double[] c0 = random(r, m * n);
        double[] expected = c0.clone();
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < m; i++) {
                double s = accumulate ? expected[i + j * m] : 0;
                for (int p = 0; p < k; p++) {
                    double aip = transA ? a[p + i * k] : a[i + p * m];
                    double bpj = transB ? b[j + p * n] : b[p + j * k];
                    s += aip * bpj;
                }
                expected[i + j * m] = s;
            }
        }
        List<GemmKernel> kernels = kernels();
        for (int q = 0; q < kernels.size(); q++) {
            GemmKernel kernel = kernels.get(q);
            double[] c = c0.clone();
            kernel.gemm(transA, transB, m, n, k, a, b, c, accumulate);
            for (int i = 0; i < c.length; i++) {
                assertEquals(expected[i], c[i], 1e-12 * (1 + Math.abs(expected[i])) * k, kernel.name() + " #" + q + " element " + i);
            }
        }
    }

    /**
     * Reproducibility across JIT tiers: the first (interpreted) call and a call after many warm ones give the same
     * bits, on the small-row path (m &lt; 12, lane reductions), the packed path and the in-place-B path.
     */
    @Test
    void firstCallAndWarmCallsGiveTheSameBits() {
        Random r = new Random(3);
        int[][] shapes = {{1, 64, 64}, {5, 33, 17}, {32, 40, 24}};
        for (GemmKernel kernel : kernels()) {
            for (int[] s : shapes) {
                int m = s[0], n = s[1], k = s[2];
                double[] a = random(r, m * k);
                double[] b = random(r, k * n);
                for (int form = 0; form < 4; form++) {
                    boolean transA = (form & 1) != 0, transB = (form & 2) != 0;
                    double[] first = new double[m * n];
                    kernel.gemm(transA, transB, m, n, k, a, b, first, false);
                    double[] warm = new double[m * n];
                    for (int call = 0; call < 3000; call++) {
                        kernel.gemm(transA, transB, m, n, k, a, b, warm, false);
                    }
                    org.junit.jupiter.api.Assertions.assertArrayEquals(first, warm, kernel.name() + " " + m + "×" + k + "·" + k + "×" + n + " form " + form);
                }
            }
        }
    }

    @Test
    void kernelSelectionByName() {
        assertEquals("java", Kernels.gemm("java", 1).name());
        assertEquals("ojalgo", Kernels.gemm(" OJALGO ", 1).name());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Kernels.gemm("blas", 1));
        assertEquals("tapegrad.gemm=blas: unknown GEMM kernel; expected vector, java or ojalgo", e.getMessage());
        assertEquals("java", Kernels.activations("java").name());
        IllegalArgumentException a = assertThrows(IllegalArgumentException.class, () -> Kernels.activations("svml"));
        assertEquals("tapegrad.activations=svml: unknown activation kernel; expected vector or java", a.getMessage());
        assertEquals(Kernels.vectorAvailable() ? "vector" : "java", Kernels.gemm(null, 1).name());
    }

    private static double[] random(Random r, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextGaussian();
        }
        return v;
    }
}
