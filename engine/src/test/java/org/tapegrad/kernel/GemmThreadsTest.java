package org.tapegrad.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The pool's hand-off: blocks really run on two threads at once, failures reach the caller, bits do not change. */
class GemmThreadsTest {

    @Test
    void twoThreadsRunTheTwoBlocksOfAProductAtTheSameTime() {
        // Each block waits for the other at a barrier: the call returns only if a worker took the second block while
        // the caller was in the first.
        CyclicBarrier both = new CyclicBarrier(2);
        ConcurrentHashMap<Integer, Thread> ranOn = new ConcurrentHashMap<>();
        GemmThreads.forColumns(2, 1, GemmThreads.MIN_PARALLEL_WORK, 2, (from, to) -> {
            ranOn.put(from, Thread.currentThread());
            try {
                both.await(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("block " + from + " waited alone for the other block", e);
            }
        });
        assertEquals(2, ranOn.size());
        assertSame(Thread.currentThread(), ranOn.values().stream().filter(t -> t == Thread.currentThread()).findFirst().orElse(null),
                "the caller computes a block itself");
        assertNotEquals(ranOn.get(0), ranOn.get(1));
    }

    @Test
    void aBlockThatFailsOnAWorkerFailsTheCall() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> GemmThreads.forColumns(4, 1, GemmThreads.MIN_PARALLEL_WORK, 2, (from, to) -> {
            if (from > 0) {
                throw new IllegalStateException("block at " + from);
            }
        }));
        assertEquals("block at 2", e.getMessage());
        // and the pool is free again for the next product
        int[] columns = new int[1];
        GemmThreads.forColumns(4, 1, GemmThreads.MIN_PARALLEL_WORK, 2, (from, to) -> {
            synchronized (columns) {
                columns[0] += to - from;
            }
        });
        assertEquals(4, columns[0]);
    }

    @Test
    void recurrentStepProductsOnTwoThreadsHaveTheBitsOfOneThread() {
        assumeTrue(GemmThreads.configured() >= 2, "needs 2 cores and tapegrad.threads unset or ≥ 2");
        // LSTM B=32, H=128 per-step forms: h·wh, dZ·whᵀ, hᵀ·dZ, each just above the split threshold or a few times it.
        int[][] shapes = {{32, 512, 128, 0}, {32, 128, 512, 2}, {128, 512, 32, 1}, {16, 256, 64, 0}, {45, 1003, 300, 3}};
        for (String name : Kernels.vectorAvailable() ? List.of("java", "vector") : List.of("java")) {
            GemmKernel one = Kernels.gemm(name, 1);
            GemmKernel two = Kernels.gemm(name, 2);
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
                double[] expected = c0.clone();
                one.gemm(transA, transB, m, n, k, a, b, expected, true);
                // Repeated until a worker has computed part of it: a product whose blocks all ran on the caller
                // (the worker not scheduled in time) would prove nothing.
                long before = GemmThreads.workerBlocks();
                long deadline = System.nanoTime() + 5_000_000_000L;   // a loaded machine may not schedule the worker for a while
                for (int attempt = 0; (attempt < 500 || System.nanoTime() < deadline) && GemmThreads.workerBlocks() == before; attempt++) {
                    double[] actual = c0.clone();
                    two.gemm(transA, transB, m, n, k, a, b, actual, true);
                    assertArrayEquals(expected, actual, name + " " + m + "x" + n + "x" + k + " form " + s[3]);
                }
                assertTrue(GemmThreads.workerBlocks() > before, name + " " + m + "x" + n + "x" + k + ": no block ran on a worker in 5 s of products");
            }
        }
    }
}
