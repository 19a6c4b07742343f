package org.tapegrad.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.tapegrad.check.property.Theories;

/**
 * A product through a {@link PackedOperand} must give every element of C the bits of the plain product with B itself,
 * for any shape (partial tiles and panels, several slices of the inner dimension), either orientation of A and B,
 * overwrite or accumulate, any column range that a split hands out, and any thread count.
 */
class PackedOperandTest {

    /** m, n, k, transA, transB, accumulate, from (a multiple of {@link SplitWork#ALIGN}). */
    private record Case(int m, int n, int k, boolean transA, boolean transB, boolean accumulate, int from) {
    }

    private static Gen<Case> cases() {
        // k up to 1100 crosses the float kernel's 512-step slices twice and the double kernel's 256-step ones four times.
        return integers().between(1, 80).zip(integers().between(1, 70), integers().between(1, 1100), (m, n, k) -> new int[] {m, n, k})
                .zip(booleans().all(), booleans().all(), booleans().all(),
                        (d, ta, tb, acc) -> new Case(d[0], d[1], d[2], ta, tb, acc, 0))
                .zip(integers().between(0, 4), (c, share) -> new Case(c.m, c.n, c.k, c.transA, c.transB, c.accumulate,
                        Math.min(c.n, share * SplitWork.ALIGN)));
    }

    @Test
    void doubleProductsThroughPanelsHaveThePlainBits() {
        assumeTrue(Kernels.vectorAvailable());
        VectorGemm one = new VectorGemm(1);
        VectorGemm two = new VectorGemm(2);
        Theories.check(61, 150, cases(), c -> {
            Random random = new Random(c.m * 1_000_003L + c.n * 1009L + c.k);
            double[] a = random.doubles((long) c.m * c.k, -1, 1).toArray();
            double[] b = random.doubles((long) c.k * c.n, -1, 1).toArray();
            double[] c0 = random.doubles((long) c.m * c.n, -1, 1).toArray();
            PackedOperand packed = one.pack(c.transB, c.k, c.n, b, c.m, null);
            if (c.m < (c.transB ? VectorGemm.SMALL_M_TRANSPOSED_B : VectorGemm.SMALL_M)) {
                assertNull(packed, "rows the row-at-a-time kernel takes read B in place");
                return;
            }
            assertNotNull(packed);
            double[] expected = c0.clone();
            one.gemm(c.transA, c.transB, c.m, c.n, c.k, a, b, expected, c.accumulate);
            for (VectorGemm gemm : new VectorGemm[] {one, two}) {
                double[] actual = c0.clone();
                gemm.gemm(c.transA, c.m, c.n, c.k, a, packed, actual, c.accumulate);
                assertArrayEquals(expected, actual, c + " on " + gemm.threads() + " threads");
            }
            double[] rangeExpected = c0.clone();
            double[] rangeActual = c0.clone();
            one.gemmColumns(c.transA, c.transB, c.m, c.n, c.k, a, b, rangeExpected, c.accumulate, c.from, c.n);
            one.gemmColumns(c.transA, c.m, c.n, c.k, a, packed, rangeActual, c.accumulate, c.from, c.n);
            assertArrayEquals(rangeExpected, rangeActual, c + ", columns from " + c.from);
        });
    }

    @Test
    void floatProductsThroughPanelsHaveThePlainBits() {
        assumeTrue(Kernels.vectorAvailable());
        VectorGemm one = new VectorGemm(1);
        VectorGemm two = new VectorGemm(2);
        Theories.check(62, 150, cases(), c -> {
            Random random = new Random(c.m * 1_000_003L + c.n * 1009L + c.k);
            float[] a = floats(random, c.m * c.k);
            float[] b = floats(random, c.k * c.n);
            float[] c0 = floats(random, c.m * c.n);
            PackedOperand packed = one.pack(c.transB, c.k, c.n, b, c.m, null);
            if (c.m < (c.transB ? VectorFloatGemm.SMALL_M_TRANSPOSED_B : VectorFloatGemm.SMALL_M)) {
                assertNull(packed, "rows the row-at-a-time kernel takes read B in place");
                return;
            }
            assertNotNull(packed);
            float[] expected = c0.clone();
            one.gemm(c.transA, c.transB, c.m, c.n, c.k, a, b, expected, c.accumulate);
            for (VectorGemm gemm : new VectorGemm[] {one, two}) {
                float[] actual = c0.clone();
                gemm.gemm(c.transA, c.m, c.n, c.k, a, packed, actual, c.accumulate);
                assertArrayEquals(expected, actual, c + " on " + gemm.threads() + " threads");
            }
            float[] rangeExpected = c0.clone();
            float[] rangeActual = c0.clone();
            one.gemmColumns(c.transA, c.transB, c.m, c.n, c.k, a, b, rangeExpected, c.accumulate, c.from, c.n);
            one.gemmColumns(c.transA, c.m, c.n, c.k, a, packed, rangeActual, c.accumulate, c.from, c.n);
            assertArrayEquals(rangeExpected, rangeActual, c + ", columns from " + c.from);
        });
    }

    @Test
    void aFormerOperandLendsItsArrayWhenItFits() {
        assumeTrue(Kernels.vectorAvailable());
        VectorGemm gemm = new VectorGemm(1);
        Random random = new Random(3);
        double[] big = random.doubles(300 * 200, -1, 1).toArray();
        double[] small = random.doubles(100 * 50, -1, 1).toArray();
        PackedOperand first = gemm.pack(false, 300, 200, big, 32, null);
        PackedOperand second = gemm.pack(false, 100, 50, small, 32, first);
        assertSame(first.panels64(), second.panels64(), "a smaller operand packs into the former one's array");
        double[] a = random.doubles(32 * 100, -1, 1).toArray();
        double[] expected = new double[32 * 50];
        double[] actual = new double[32 * 50];
        gemm.gemm(false, false, 32, 50, 100, a, small, expected, false);
        gemm.gemm(false, 32, 50, 100, a, second, actual, false);
        assertArrayEquals(expected, actual);
        float[] f = new float[100 * 50];
        assertNotSame(first.panels64(), gemm.pack(false, 100, 50, f, 32, first), "a float operand never takes a double array");
    }

    @Test
    void kernelsWithoutPanelsMultiplyByTheSource() {
        Random random = new Random(4);
        double[] a = random.doubles(20 * 30, -1, 1).toArray();
        double[] b = random.doubles(30 * 40, -1, 1).toArray();
        JavaGemm java = new JavaGemm();
        assertNull(java.pack(false, 30, 40, b, 20, null), "the plain-Java kernel has no packed form");
        assumeTrue(Kernels.vectorAvailable());
        PackedOperand packed = new VectorGemm(1).pack(false, 30, 40, b, 20, null);
        double[] expected = new double[20 * 40];
        double[] actual = new double[20 * 40];
        java.gemm(false, false, 20, 40, 30, a, b, expected, false);
        java.gemm(false, 20, 40, 30, a, packed, actual, false);
        assertArrayEquals(expected, actual, "another kernel's operand is read through its source array");
    }

    @Test
    void aPackedOperandOfAnotherShapeIsRejected() {
        assumeTrue(Kernels.vectorAvailable());
        VectorGemm gemm = new VectorGemm(1);
        PackedOperand packed = gemm.pack(false, 30, 40, new double[30 * 40], 20, null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> gemm.gemm(false, 20, 41, 30, new double[20 * 30], packed, new double[20 * 41], false));
        assertEquals("gemm: the packed operand is 30×40 but the product needs op(B) 30×41", e.getMessage());
        IllegalStateException t = assertThrows(IllegalStateException.class,
                () -> gemm.gemm(false, 20, 40, 30, new float[20 * 30], packed, new float[20 * 40], false));
        assertEquals("packed operand: a float64 operand used in a float32 product", t.getMessage());
    }

    /**
     * Every share of a product split by {@link SplitWork#start(int, int, int, int)} with the kernel's panel width reads
     * the weights' panels packed beforehand: B's own array is overwritten with NaN after packing, so a share that
     * packed B again would give NaN. With shares cut at multiples of 16, every second share of a float32 product
     * repacked B at every call where a panel is 6 columns (256-bit vectors).
     */
    @Test
    void everyShareOfASplitReadsThePackedPanels() {
        assumeTrue(Kernels.vectorAvailable());
        VectorGemm gemm = new VectorGemm(1);
        Random random = new Random(5);
        for (int n : new int[] {64, 100, 512, 640, 2048}) {
            for (boolean transB : new boolean[] {false, true}) {
                int m = 32;
                int k = 96;
                float[] a32 = floats(random, m * k);
                float[] b32 = floats(random, k * n);
                double[] a64 = random.doubles((long) m * k, -1, 1).toArray();
                double[] b64 = random.doubles((long) k * n, -1, 1).toArray();
                float[] expected32 = new float[m * n];
                double[] expected64 = new double[m * n];
                gemm.gemm(false, transB, m, n, k, a32, b32, expected32, false);
                gemm.gemm(false, transB, m, n, k, a64, b64, expected64, false);
                PackedOperand packed32 = gemm.pack(transB, k, n, b32, m, null);
                PackedOperand packed64 = gemm.pack(transB, k, n, b64, m, null);
                java.util.Arrays.fill(b32, Float.NaN);
                java.util.Arrays.fill(b64, Double.NaN);
                for (int shares = 2; shares <= 4; shares++) {
                    float[] actual32 = new float[m * n];
                    double[] actual64 = new double[m * n];
                    for (int s = 0; s < shares; s++) {
                        int from32 = SplitWork.start(n, s, shares, gemm.panelColumns(true));
                        int to32 = SplitWork.start(n, s + 1, shares, gemm.panelColumns(true));
                        gemm.gemmColumns(false, m, n, k, a32, packed32, actual32, false, from32, to32);
                        int from64 = SplitWork.start(n, s, shares, gemm.panelColumns(false));
                        int to64 = SplitWork.start(n, s + 1, shares, gemm.panelColumns(false));
                        gemm.gemmColumns(false, m, n, k, a64, packed64, actual64, false, from64, to64);
                    }
                    String what = m + "×" + k + "·" + k + "×" + n + (transB ? " (B transposed)" : "") + " in " + shares + " shares";
                    assertArrayEquals(expected32, actual32, "float32 " + what + ": a share packed B again");
                    assertArrayEquals(expected64, actual64, "float64 " + what + ": a share packed B again");
                }
            }
        }
    }

    private static float[] floats(Random random, int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = random.nextFloat() * 2 - 1;
        }
        return f;
    }

    private static void assertNotSame(Object unexpected, PackedOperand actual, String message) {
        assertNotNull(actual);
        org.junit.jupiter.api.Assertions.assertNotSame(unexpected, actual.panels32(), message);
    }
}
