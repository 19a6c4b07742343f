package org.tapegrad.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

/** {@link GemmThreads.OrderedTasks}: in order, on a worker, failures rethrown, the pool given back. */
class OrderedTasksTest {

    @Test
    void tasksRunInOrderOnAWorkerAndThePoolIsGivenBack() {
        assumeTrue(Kernels.maxThreads() >= 2, "needs 2 cores and tapegrad.threads unset or ≥ 2");
        Thread caller = Thread.currentThread();
        boolean onWorker = false;
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!onWorker && System.nanoTime() < deadline) {
            GemmThreads.OrderedTasks queue = GemmThreads.OrderedTasks.start(2);
            assertNotNull(queue, "the pool is free");
            List<Integer> order = Collections.synchronizedList(new ArrayList<>());
            List<Thread> threads = Collections.synchronizedList(new ArrayList<>());
            for (int i = 0; i < 200; i++) {
                int index = i;
                queue.submit(() -> {
                    order.add(index);
                    threads.add(Thread.currentThread());
                    busyWork();
                });
            }
            queue.finish();
            assertEquals(200, order.size());
            for (int i = 0; i < 200; i++) {
                assertEquals(i, order.get(i), "task order");
            }
            onWorker = threads.stream().anyMatch(t -> t != caller);
        }
        assertTrue(onWorker, "in 5 s no queued task ran on a worker");
    }

    @Test
    void finishTellsWhetherAWorkerRanTheTasksAndHowLongEachSideWaited() throws InterruptedException {
        assumeTrue(Kernels.maxThreads() >= 2, "needs 2 cores and tapegrad.threads unset or ≥ 2");
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            GemmThreads.OrderedTasks queue = GemmThreads.OrderedTasks.start(2);
            assertNotNull(queue, "the pool is free");
            queue.submit(() -> { });
            Thread.sleep(20);   // the worker, if it has taken the queue, waits for the next task all this time
            queue.submit(OrderedTasksTest::busyWork);
            long waited = queue.finish();
            if (waited < 0) {
                assertEquals(0, queue.idleNanos(), "the caller ran the tasks: no worker idled");
                continue;   // no worker took the queue this time: try again
            }
            assertTrue(queue.idleNanos() >= 10_000_000L, "the worker waited ~20 ms for the second task, measured " + queue.idleNanos() + " ns");
            return;
        }
        org.junit.jupiter.api.Assertions.fail("in 5 s no worker took a queue");
    }

    @Test
    void theFirstFailureIsRethrownAndLaterTasksAreSkipped() {
        GemmThreads.OrderedTasks queue = GemmThreads.OrderedTasks.start(2);
        assumeTrue(queue != null, "needs 2 cores and tapegrad.threads unset or ≥ 2");
        List<Integer> ran = Collections.synchronizedList(new ArrayList<>());
        queue.submit(() -> ran.add(1));
        queue.submit(() -> {
            throw new IllegalStateException("task two failed");
        });
        queue.submit(() -> ran.add(3));
        IllegalStateException e = assertThrows(IllegalStateException.class, queue::finish);
        assertEquals("task two failed", e.getMessage());
        assertEquals(List.of(1), ran);
        GemmThreads.OrderedTasks next = GemmThreads.OrderedTasks.start(2);
        assertNotNull(next, "the pool is free again after a failure");
        next.finish();
    }

    @Test
    void oneThreadOrAHeldPoolGivesNoQueue() {
        assertNull(GemmThreads.OrderedTasks.start(1));
        GemmThreads.OrderedTasks queue = GemmThreads.OrderedTasks.start(2);
        assumeTrue(queue != null, "needs 2 cores and tapegrad.threads unset or ≥ 2");
        try {
            assertNull(GemmThreads.OrderedTasks.start(2), "the pool is held by the first queue");
        } finally {
            queue.finish();
        }
    }

    private static double sink;

    private static void busyWork() {
        double s = 0;
        for (int i = 0; i < 2000; i++) {
            s += Math.sqrt(i);
        }
        sink += s;
    }
}
