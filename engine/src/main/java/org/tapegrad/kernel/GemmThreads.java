package org.tapegrad.kernel;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The small fixed pool of daemon threads that large matrix products are split over, by blocks of columns of
 * {@code C}; the calling thread always computes the first block itself.
 *
 * <p>The number of threads is read once from the system property {@value #PROPERTY}; the default is
 * {@link Runtime#availableProcessors()}, and any value is capped at that and at {@value #MAX_THREADS} (more threads
 * than cores only make the product slower). {@code -Dtapegrad.threads=1} keeps every product on the calling thread.
 * The pool is created on first use. Only products of at least {@value #MIN_PARALLEL_WORK} multiply-adds
 * ({@code m·n·k}) are split: below that, waking a thread costs more than it saves.
 *
 * <p>Each column of {@code C} is computed by exactly one thread, with the same summation order whatever the number of
 * threads, so the result does not depend on the thread count.
 */
final class GemmThreads {

    /** The system property that sets the number of threads. */
    static final String PROPERTY = "tapegrad.threads";

    /** Upper bound on the thread count whatever the property says. */
    static final int MAX_THREADS = 16;

    /**
     * Smallest {@code m·n·k} that is split over threads. Measured in LSTM BPTT: at B=32, H=128 (products of 1–2·10⁶)
     * two threads were 1.4× slower than one (a worker is woken for every product); at B=64, H=512 (6.7·10⁷) 1.45×
     * faster.
     */
    static final long MIN_PARALLEL_WORK = 1L << 23;


    private GemmThreads() {
    }

    /** The work on the columns {@code [from, to)} of {@code C}. */
    interface ColumnBlock {
        void compute(int from, int to);
    }

    /** Caps a requested thread count to what the machine and the configuration allow (read when a kernel is made). */
    static int cap(int requested) {
        return Math.max(1, Math.min(requested, configured()));
    }

    /**
     * Runs {@code body} over {@code [0, n)} in at most {@code threads} blocks whose boundaries are multiples of
     * {@code align}, in parallel when {@code work} is large enough; returns when all blocks are done.
     */
    static void forColumns(int n, int align, long work, int threads, ColumnBlock body) {
        int t = Math.min(threads, (n + align - 1) / align);
        if (t <= 1 || work < MIN_PARALLEL_WORK) {
            body.compute(0, n);
            return;
        }
        int block = ((n + align - 1) / align + t - 1) / t * align;
        @SuppressWarnings("unchecked")
        Future<?>[] others = new Future<?>[t - 1];
        int submitted = 0;
        for (int from = block; from < n; from += block) {
            int f = from;
            int to = Math.min(n, from + block);
            others[submitted++] = Pool.EXECUTOR.submit(() -> body.compute(f, to));
        }
        Throwable failure = null;
        try {
            body.compute(0, Math.min(n, block));
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        for (int i = 0; i < submitted; i++) {
            try {
                others[i].get();
            } catch (ExecutionException e) {
                failure = failure != null ? failure : e.getCause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = failure != null ? failure : e;
            }
        }
        if (failure instanceof RuntimeException) {
            throw (RuntimeException) failure;
        }
        if (failure instanceof Error) {
            throw (Error) failure;
        }
        if (failure != null) {
            throw new IllegalStateException("gemm: a worker thread failed", failure);
        }
    }

    /**
     * The configured number of threads, including the caller, between 1 and the number of cores: read from the
     * system property on every call (a kernel reads it once, when it is made), so nothing is fixed when the class
     * loads and a bad value is an {@link IllegalArgumentException} where the kernel is made, not a class that fails
     * to initialize.
     */
    static int configured() {
        int cores = Runtime.getRuntime().availableProcessors();
        String value = System.getProperty(PROPERTY);
        int requested = cores;
        if (value != null && !value.isBlank()) {
            try {
                requested = Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(PROPERTY + "=" + value + ": expected a positive whole number of threads", e);
            }
            if (requested < 1) {
                throw new IllegalArgumentException(PROPERTY + "=" + value + ": expected a positive whole number of threads");
            }
        }
        return Math.max(1, Math.min(Math.min(requested, cores), MAX_THREADS));
    }

    /** Holder so the threads exist only once a product is actually split. */
    private static final class Pool {
        static final ExecutorService EXECUTOR = Executors.newFixedThreadPool(Math.max(1, Math.min(MAX_THREADS, Runtime.getRuntime().availableProcessors()) - 1), r -> {
            Thread thread = new Thread(r, "tapegrad-gemm");
            thread.setDaemon(true);
            return thread;
        });
    }
}
