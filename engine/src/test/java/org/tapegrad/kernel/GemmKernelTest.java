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

/** Every available kernel computes the same product as a triple loop, for all four transpose forms. */
class GemmKernelTest {

    static List<GemmKernel> kernels() {
        List<GemmKernel> all = new ArrayList<>(List.of(new JavaGemm(), new OjAlgoGemm()));
        if (Gemm.vectorAvailable()) {
            all.add(Gemm.select("vector"));
        }
        return all;
    }

    @Provide
    Arbitrary<Integer> dims() {
        return Arbitraries.integers().between(1, 70);
    }

    @Property(tries = 80)
    void allKernelsAgreeWithTheTripleLoop(@ForAll("dims") int m, @ForAll("dims") int n, @ForAll("dims") int k,
            @ForAll boolean transA, @ForAll boolean transB, @ForAll boolean accumulate, @ForAll @IntRange(min = 0, max = 1000) int seed) {
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
        for (GemmKernel kernel : kernels()) {
            double[] c = c0.clone();
            kernel.gemm(transA, transB, m, n, k, a, b, c, accumulate);
            for (int i = 0; i < c.length; i++) {
                assertEquals(expected[i], c[i], 1e-12 * (1 + Math.abs(expected[i])) * k, kernel.name() + " element " + i);
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
