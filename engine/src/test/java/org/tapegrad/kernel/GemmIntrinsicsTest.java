package org.tapegrad.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * The vector GEMM, warm, allocates nothing, in float32 and float64: every Vector API call of its tile kernels was compiled by C2 as an
 * intrinsic. A call left out of line runs the API's Java fallback, which boxes each vector it touches (about 1 KB per
 * tile). That happened, depending on the profile, when the kernels wrote whole tiles straight from their accumulators
 * into C: these products, an LSTM step's at H = 512, then allocated 2.5 GB in the measured rounds (JDK 17.0.15, Zen 5).
 * They take the tile paths an LSTM takes (packed, prepacked and in-place B, transposed or not, several slices of the
 * inner dimension, overwriting and accumulating) and a few ragged ones. One thread, so no split's bookkeeping counts.
 */
class GemmIntrinsicsTest {

    /**
     * {transA, transB, m, n, k, B packed beforehand}: an LSTM step's products at B = 64, I = 128, H = 512 (x·W_x, h·W_h
     * and ȳ·W_hᵀ with the weights packed once, k = 2048 being 4 slices; the weight gradient hᵀ·ȳ, accumulated), and
     * a few ragged ones.
     */
    private static final int[][] PRODUCTS = {
        {0, 0, 64, 2048, 128, 0},   // B in place, column-major
        {0, 0, 64, 2048, 512, 1},   // packed B
        {0, 1, 64, 512, 2048, 1},   // packed transposed B, four slices
        {1, 0, 512, 2048, 64, 0},   // short k, more than 6 tiles of rows: B packed per call
        {0, 1, 64, 64, 600, 0},     // B in place, transposed (row by row), two slices
        {1, 0, 16, 40, 96, 0},      // one vector of rows, a ragged column tile
        {0, 0, 45, 24, 64, 0},      // a ragged tile of rows
        {0, 0, 1, 256, 64, 0},      // one row (a batch of 1): the row-at-a-time kernel
        {0, 1, 3, 256, 64, 0},      // three rows, B transposed: the row-at-a-time kernel
    };
    private static final int WARM_ROUNDS = 300;
    private static final int MEASURED_ROUNDS = 10;

    @Test
    void warmFloatProductsAllocateNothing() {
        assumeTrue(Kernels.vectorAvailable(), "the Vector API module is not enabled");
        GemmKernel gemm = Kernels.gemm("vector", 1);
        SplittableRandom random = new SplittableRandom(5);
        float[][] a = new float[PRODUCTS.length][];
        float[][] b = new float[PRODUCTS.length][];
        float[][] c = new float[PRODUCTS.length][];
        PackedOperand[] packed = new PackedOperand[PRODUCTS.length];
        for (int i = 0; i < PRODUCTS.length; i++) {
            int[] p = PRODUCTS[i];
            a[i] = values(p[2] * p[4], random);
            b[i] = values(p[4] * p[3], random);
            c[i] = new float[p[2] * p[3]];
            packed[i] = p[5] == 1 ? gemm.pack(p[1] == 1, p[4], p[3], b[i], p[2], null) : null;
        }
        assertAllocatesNothingWarm("float", round -> runAll(gemm, a, b, packed, c, round));
    }

    @Test
    void warmDoubleProductsAllocateNothing() {
        assumeTrue(Kernels.vectorAvailable(), "the Vector API module is not enabled");
        GemmKernel gemm = Kernels.gemm("vector", 1);
        SplittableRandom random = new SplittableRandom(6);
        double[][] a = new double[PRODUCTS.length][];
        double[][] b = new double[PRODUCTS.length][];
        double[][] c = new double[PRODUCTS.length][];
        PackedOperand[] packed = new PackedOperand[PRODUCTS.length];
        for (int i = 0; i < PRODUCTS.length; i++) {
            int[] p = PRODUCTS[i];
            a[i] = random.doubles(p[2] * p[4], -1, 1).toArray();
            b[i] = random.doubles(p[4] * p[3], -1, 1).toArray();
            c[i] = new double[p[2] * p[3]];
            packed[i] = p[5] == 1 ? gemm.pack(p[1] == 1, p[4], p[3], b[i], p[2], null) : null;
        }
        assertAllocatesNothingWarm("double", round -> runAll(gemm, a, b, packed, c, round));
    }

    /** Runs {@code round} warm, then measured, and fails when the measured rounds allocated more than the probe's bytes. */
    private static void assertAllocatesNothingWarm(String type, java.util.function.IntConsumer round) {
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int r = 0; r < WARM_ROUNDS; r++) {
            round.accept(r);
        }
        long before = bean.getCurrentThreadAllocatedBytes();
        for (int r = 0; r < MEASURED_ROUNDS; r++) {
            round.accept(r);
        }
        long allocated = bean.getCurrentThreadAllocatedBytes() - before;
        // The boxed fallback allocates about 1 KB per tile, megabytes over these rounds; the probe a few bytes.
        assertTrue(allocated < 16 * 1024, "warm " + type + " products allocated " + allocated + " bytes in " + MEASURED_ROUNDS
                + " rounds: some Vector API call of the tile kernels was not compiled as an intrinsic");
    }

    private static void runAll(GemmKernel gemm, double[][] a, double[][] b, PackedOperand[] packed, double[][] c, int round) {
        for (int i = 0; i < PRODUCTS.length; i++) {
            int[] p = PRODUCTS[i];
            boolean accumulate = round % 2 == 1;
            if (packed[i] != null) {
                gemm.gemm(p[0] == 1, p[2], p[3], p[4], a[i], packed[i], c[i], accumulate);
            } else {
                gemm.gemm(p[0] == 1, p[1] == 1, p[2], p[3], p[4], a[i], b[i], c[i], accumulate);
            }
        }
    }

    private static void runAll(GemmKernel gemm, float[][] a, float[][] b, PackedOperand[] packed, float[][] c, int round) {
        for (int i = 0; i < PRODUCTS.length; i++) {
            int[] p = PRODUCTS[i];
            boolean accumulate = round % 2 == 1;
            if (packed[i] != null) {
                gemm.gemm(p[0] == 1, p[2], p[3], p[4], a[i], packed[i], c[i], accumulate);
            } else {
                gemm.gemm(p[0] == 1, p[1] == 1, p[2], p[3], p[4], a[i], b[i], c[i], accumulate);
            }
        }
    }

    private static float[] values(int n, SplittableRandom random) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextDouble(-1, 1);
        }
        return v;
    }
}
