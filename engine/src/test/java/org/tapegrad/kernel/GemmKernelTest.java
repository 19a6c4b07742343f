package org.tapegrad.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.ojalgo.matrix.store.R064Store;

/**
 * Every available kernel, on one thread and split over threads, computes the same product as a triple loop, for all
 * four transpose forms, overwriting and accumulating, including shapes that cut through the vector, tile and cache
 * blocks of {@link VectorGemm} ({@code KC = 256}) and its small-row path.
 */
class GemmKernelTest {

    static List<GemmKernel> kernels() {
        List<GemmKernel> all = new ArrayList<>(List.of(new JavaGemm(1), new JavaGemm(2), new OjAlgoGemm()));
        if (Gemm.vectorAvailable()) {
            all.add(Gemm.select("vector", 1));
            all.add(Gemm.select("vector", 2));
        }
        return all;
    }

    @Provide
    Arbitrary<Integer> dims() {
        return Arbitraries.integers().between(1, 70);
    }

    /** Small shapes, often, and occasionally shapes large enough to be split over threads and cache blocks. */
    @Provide
    Arbitrary<Integer> largeDims() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(1, 40)),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(100, 300)));
    }

    @Property(tries = 80)
    void allKernelsAgreeWithTheTripleLoop(@ForAll("dims") int m, @ForAll("dims") int n, @ForAll("dims") int k,
            @ForAll boolean transA, @ForAll boolean transB, @ForAll boolean accumulate, @ForAll @IntRange(min = 0, max = 1000) int seed) {
        assertAllKernelsAgree(m, n, k, transA, transB, accumulate, seed);
    }

    @Property(tries = 25)
    void largeProductsAgreeWithTheTripleLoop(@ForAll("largeDims") int m, @ForAll("largeDims") int n, @ForAll("largeDims") int k,
            @ForAll boolean transA, @ForAll boolean transB, @ForAll boolean accumulate, @ForAll @IntRange(min = 0, max = 1000) int seed) {
        assertAllKernelsAgree(m, n, k, transA, transB, accumulate, seed);
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
        for (String name : Gemm.vectorAvailable() ? List.of("java", "vector") : List.of("java")) {
            for (boolean transB : new boolean[] {false, true}) {
                double[] one = new double[m * n];
                double[] two = new double[m * n];
                Gemm.select(name, 1).gemm(true, transB, m, n, k, a, b, one, false);
                Gemm.select(name, 2).gemm(true, transB, m, n, k, a, b, two, false);
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

    @Test
    void gemmFacadeChecksShapesAndAliasing() {
        R064Store a = R064Store.FACTORY.make(3, 4);
        R064Store b = R064Store.FACTORY.make(5, 6);
        R064Store c = R064Store.FACTORY.make(3, 6);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Gemm.multiply(a, false, b, false, c, false));
        assertEquals("gemm: op(A) 3×4, op(B) 5×6, C 3×6: shapes do not fit", e.getMessage());
        R064Store sq = R064Store.FACTORY.make(3, 3);
        assertThrows(IllegalArgumentException.class, () -> Gemm.multiply(sq, false, sq, false, sq, false));
    }

    @Test
    void kernelSelectionByName() {
        assertEquals("java", Gemm.select("java").name());
        assertEquals("ojalgo", Gemm.select(" OJALGO ").name());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Gemm.select("blas"));
        assertEquals("tapegrad.gemm=blas: unknown GEMM kernel; expected vector, java or ojalgo", e.getMessage());
    }

    private static double[] random(Random r, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextGaussian();
        }
        return v;
    }
}
