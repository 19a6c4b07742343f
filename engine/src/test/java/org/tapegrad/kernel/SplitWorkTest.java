package org.tapegrad.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** {@link SplitWork} covers each element once, splits only above its threshold, and gives shares the bits of one thread. */
class SplitWorkTest {

    @Test
    void elementRangesCoverEveryElementExactlyOnceAndAreAligned() {
        for (int n : new int[] {0, 1, 31, 32, 4095, 4096, 40_001}) {
            for (int threads = 1; threads <= 3; threads++) {
                AtomicIntegerArray hits = new AtomicIntegerArray(n);
                SplitWork.elements(threads, n, SplitWork.TRANSCENDENTAL, (from, to) -> {
                    assertTrue(from == 0 || from % SplitWork.ALIGN == 0, "range start " + from + " not aligned");
                    for (int i = from; i < to; i++) {
                        hits.incrementAndGet(i);
                    }
                });
                for (int i = 0; i < n; i++) {
                    assertEquals(1, hits.get(i), "n=" + n + " threads=" + threads + " element " + i);
                }
            }
        }
    }

    @Test
    void productSharesStartAtAPanelAndStayBalanced() {
        for (int panel : new int[] {4, 6, 8, 16}) {
            for (int n : new int[] {1, 6, 64, 100, 512, 640, 2048}) {
                for (int shares = 1; shares <= 4; shares++) {
                    assertEquals(0, SplitWork.start(n, 0, shares, panel));
                    assertEquals(n, SplitWork.start(n, shares, shares, panel), "the last share ends at n");
                    int grain = SplitWork.ALIGN % panel == 0 ? SplitWork.ALIGN : panel;
                    for (int s = 1; s < shares; s++) {
                        int from = SplitWork.start(n, s, shares, panel);
                        assertTrue(from == n || from % panel == 0, "panel " + panel + ", n " + n + ": share " + s + " starts at " + from);
                        assertTrue(from >= SplitWork.start(n, s - 1, shares, panel), "shares in order");
                        if (shares == 2) {   // two threads: the cut is within one grain of the middle
                            assertTrue(Math.abs(2 * from - n) <= 2 * grain, "panel " + panel + ", n " + n + ": cut at " + from);
                        }
                    }
                }
            }
        }
        assertEquals(258, SplitWork.start(512, 1, 2, 6), "float32 panels of 6 columns: 43 panels each side");
        assertEquals(256, SplitWork.start(512, 1, 2, 8), "where 16 columns are whole panels the cut stays at 16");
    }

    @Test
    void columnsAndSharesCoverTheirRangeExactlyOnce() {
        for (int n : new int[] {1, 7, 640, 1001}) {
            AtomicIntegerArray hits = new AtomicIntegerArray(n);
            SplitWork.columns(2, 512, n, SplitWork.ARITHMETIC, (from, to) -> {
                for (int j = from; j < to; j++) {
                    hits.incrementAndGet(j);
                }
            });
            AtomicIntegerArray shareHits = new AtomicIntegerArray(n);
            SplitWork.shares(2, Long.MAX_VALUE, (index, shares) -> {
                for (int j = SplitWork.start(n, index, shares); j < SplitWork.start(n, index + 1, shares); j++) {
                    shareHits.incrementAndGet(j);
                }
            });
            for (int j = 0; j < n; j++) {
                assertEquals(1, hits.get(j), "columns n=" + n + " column " + j);
                assertEquals(1, shareHits.get(j), "shares n=" + n + " column " + j);
            }
            assertEquals(n, SplitWork.start(n, 2, 2));
            assertEquals(0, SplitWork.start(n, 0, 2));
        }
    }

    @Test
    void smallLoopsStayOnTheCaller() {
        Thread caller = Thread.currentThread();
        int below = (int) (GemmThreads.MIN_PARALLEL_WORK / SplitWork.TRANSCENDENTAL) - 1;
        SplitWork.elements(2, below, SplitWork.TRANSCENDENTAL, (from, to) -> {
            assertEquals(caller, Thread.currentThread());
            assertEquals(0, from);
            assertEquals(below, to);
        });
        SplitWork.shares(2, GemmThreads.MIN_PARALLEL_WORK - 1, (index, shares) -> assertEquals(1, shares));
    }

    @Test
    void largeLoopsRunPartlyOnAWorker() {
        assumeTrue(GemmThreads.configured() >= 2, "needs 2 cores and tapegrad.threads unset or ≥ 2");
        double[] x = new Random(5).doubles(1 << 16, -1, 1).toArray();
        double[] expected = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            expected[i] = x[i] * x[i] + 1;
        }
        long before = GemmThreads.workerBlocks();
        long deadline = System.nanoTime() + 5_000_000_000L;   // a loaded machine may not schedule the worker for a while
        for (int attempt = 0; (attempt < 500 || System.nanoTime() < deadline) && GemmThreads.workerBlocks() == before; attempt++) {
            double[] y = new double[x.length];
            SplitWork.elements(2, x.length, SplitWork.ARITHMETIC, (from, to) -> {
                for (int i = from; i < to; i++) {
                    y[i] = x[i] * x[i] + 1;
                }
            });
            assertArrayEquals(expected, y);
        }
        assertTrue(GemmThreads.workerBlocks() > before, "no range ran on a worker in 5 s of loops");
    }

    @Test
    void columnRangesOfTheVectorKernelHaveTheBitsOfTheWholeProduct() {
        assumeTrue(Kernels.vectorAvailable(), "needs jdk.incubator.vector");
        ColumnRangeGemm gemm = (ColumnRangeGemm) Kernels.gemm("vector", 1);
        int[][] shapes = {{32, 512, 192, 0}, {32, 64, 512, 2}, {64, 512, 32, 1}, {7, 100, 40, 0}, {45, 1003, 300, 3}};
        for (int[] s : shapes) {
            int m = s[0];
            int n = s[1];
            int k = s[2];
            boolean transA = (s[3] & 1) != 0;
            boolean transB = (s[3] & 2) != 0;
            Random r = new Random(m * 31 + n);
            double[] a = r.doubles((long) m * k, -1, 1).toArray();
            double[] b = r.doubles((long) k * n, -1, 1).toArray();
            double[] c0 = r.doubles((long) m * n, -1, 1).toArray();
            double[] whole = c0.clone();
            gemm.gemm(transA, transB, m, n, k, a, b, whole, true);
            float[] af = toFloat(a);
            float[] bf = toFloat(b);
            float[] wholeF = toFloat(c0);
            gemm.gemm(transA, transB, m, n, k, af, bf, wholeF, true);
            for (int shares = 2; shares <= 3; shares++) {
                double[] parts = c0.clone();
                float[] partsF = toFloat(c0);
                for (int index = 0; index < shares; index++) {
                    int from = SplitWork.start(n, index, shares);
                    int to = SplitWork.start(n, index + 1, shares);
                    gemm.gemmColumns(transA, transB, m, n, k, a, b, parts, true, from, to);
                    gemm.gemmColumns(transA, transB, m, n, k, af, bf, partsF, true, from, to);
                }
                assertArrayEquals(whole, parts, m + "x" + n + "x" + k + " form " + s[3] + " in " + shares + " shares");
                assertArrayEquals(wholeF, partsF, "float " + m + "x" + n + "x" + k + " form " + s[3] + " in " + shares + " shares");
            }
        }
    }

    private static float[] toFloat(double[] x) {
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            f[i] = (float) x[i];
        }
        return f;
    }
}
