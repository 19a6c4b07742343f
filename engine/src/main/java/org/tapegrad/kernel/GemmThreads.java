package org.tapegrad.kernel;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The small fixed pool of daemon threads that matrix products are split over, by blocks of columns of {@code C}.
 *
 * <p>The number of threads is read from the system property {@value #PROPERTY} when a kernel is made; the default is
 * {@link Runtime#availableProcessors()}, and any value is capped at that and at {@value #MAX_THREADS} (more threads
 * than cores only make the product slower). {@code -Dtapegrad.threads=1} keeps every product on the calling thread.
 * Only products of at least {@value #MIN_PARALLEL_WORK} multiply-adds ({@code m·n·k}) are split: below that, handing
 * a block to a worker costs more than it saves.
 *
 * <p>The hand-off is cheap enough for the per-step products of a recurrent network (a few 10⁶ multiply-adds): the
 * blocks of one product are published as a {@link Job} that the caller and the workers claim with one atomic
 * increment each, the caller spins until the claimed blocks are done, and a worker that finished stays awake for
 * {@value #SPIN_NANOS} ns (spinning, then yielding the core between checks) before it parks, so that the next product of the same step finds it awake (waking a parked
 * thread costs tens of microseconds, see {@code HandoffBenchmark}). A block nobody has claimed yet is run by the
 * caller itself, so a worker that the OS has not scheduled delays nothing; when another thread is using the pool,
 * the product runs on the caller alone.
 *
 * <p>Each column of {@code C} is computed by exactly one thread, with the same summation order whatever the number of
 * threads and whichever thread claims its block, so the result does not depend on the thread count.
 */
public final class GemmThreads {

    /** The system property that sets the number of threads. */
    static final String PROPERTY = "tapegrad.threads";

    /** Upper bound on the thread count whatever the property says. */
    static final int MAX_THREADS = 16;

    /**
     * Smallest {@code m·n·k} that is split over threads. Below it a block is too small to repay the hand-off
     * (≈1 µs to an awake worker, measured in {@code HandoffBenchmark}; 2.6·10⁵ multiply-adds take ≈10 µs at peak).
     */
    static final long MIN_PARALLEL_WORK = 1L << 18;

    /** How long an idle worker waits awake before it parks: longer than the element-wise work between two products. */
    static final long SPIN_NANOS = 200_000;

    /** The first part of that wait, spent in a tight spin; the rest yields the core between checks. */
    static final long EAGER_SPIN_NANOS = 5_000;

    private static final AtomicReference<Pool> POOL = new AtomicReference<>();

    /** Blocks computed by a worker rather than the caller, for tests that must see a product really split. */
    private static final java.util.concurrent.atomic.AtomicLong WORKER_BLOCKS = new java.util.concurrent.atomic.AtomicLong();

    private GemmThreads() {
    }

    /** The work on the columns {@code [from, to)} of {@code C}. */
    interface ColumnBlock {
        void compute(int from, int to);
    }

    /** One block of a {@link #forBlocks} split: the work of block {@code index}. */
    public interface Block {
        void run(int index);
    }

    /**
     * Runs {@code body} for every block index in {@code [0, blocks)}, on the pool's threads and the caller's (at most
     * {@code threads} of them), and returns when all are done; on the caller alone when {@code threads} or
     * {@code blocks} is 1 or another thread holds the pool. One hand-off for all the blocks. Each index runs exactly
     * once, on one thread, so a body whose blocks touch disjoint data gives the same result whatever the thread count.
     * The first failure of a block is rethrown here.
     */
    public static void forBlocks(int blocks, int threads, Block body) {
        if (threads <= 1 || blocks <= 1) {
            for (int i = 0; i < blocks; i++) {
                body.run(i);
            }
            return;
        }
        forColumns(blocks, 1, Long.MAX_VALUE, Math.min(threads, blocks), (from, to) -> {
            for (int i = from; i < to; i++) {
                body.run(i);
            }
        });
    }

    /**
     * Tasks run in the order they were submitted, on one of the pool's workers, while the caller goes on with other
     * work: how a gradient pass moves weight-gradient products off its critical path. The caller holds the pool from
     * {@link #start} to {@link #finish}, so its own products meanwhile run on the caller alone, and at most two threads
     * are busy. If no worker picks the queue up, {@link #finish} runs every task on the caller, in the same order.
     */
    public static final class OrderedTasks {
        private final Pool pool;
        private final Job job;
        private final java.util.concurrent.ConcurrentLinkedQueue<Runnable> tasks = new java.util.concurrent.ConcurrentLinkedQueue<>();
        private volatile boolean closed;
        private volatile Throwable failure;
        private volatile long idleNanos;

        private OrderedTasks(Pool pool) {
            this.pool = pool;
            this.job = new Job((from, to) -> drain(), 1, 1, 1);
        }

        /**
         * A queue served by a worker, or null when {@code threads} is 1, or the pool is held by another thread (then
         * the caller runs its tasks itself as it goes).
         */
        public static OrderedTasks start(int threads) {
            if (cap(threads) < 2) {
                return null;
            }
            Pool pool = pool();
            if (!pool.busy.compareAndSet(false, true)) {
                return null;
            }
            OrderedTasks queue = new OrderedTasks(pool);
            pool.publish(queue.job);
            return queue;
        }

        /**
         * After {@link #finish}: the nanoseconds the thread that ran the tasks spent waiting for the next one before
         * the queue was closed (0 when the caller ran them itself).
         */
        public long idleNanos() {
            return idleNanos;
        }

        /** Queues {@code task} after every task submitted before it. */
        public void submit(Runnable task) {
            tasks.add(task);
        }

        /**
         * Waits until every submitted task has run (running them on the caller if no worker took the queue), gives the
         * pool back, and rethrows the first failure of a task (the tasks after it are skipped).
         *
         * @return the nanoseconds the caller waited here for a worker to run the tasks still queued, or -1 when no
         *         worker had taken the queue and the caller ran them all itself
         */
        public long finish() {
            closed = true;
            long waited;
            try {
                long start = System.nanoTime();
                boolean byCaller = job.runBlocks() > 0;   // claims the queue if no worker has: then the caller drains it
                job.awaitDone();
                waited = byCaller ? -1 : System.nanoTime() - start;
            } finally {
                pool.busy.set(false);
            }
            rethrow(failure, "gemm: a queued task failed");
            return waited;
        }

        /** Runs the tasks as they arrive until the queue is closed and empty (on the one thread that claimed it). */
        private void drain() {
            long idleSince = 0;
            long idle = 0;
            while (true) {
                Runnable task = tasks.poll();
                if (task != null) {
                    if (idleSince != 0) {
                        idle += System.nanoTime() - idleSince;
                        idleSince = 0;
                    }
                    if (failure == null) {
                        try {
                            task.run();
                        } catch (Throwable e) {
                            failure = e;
                        }
                    }
                    continue;
                }
                if (closed && tasks.isEmpty()) {
                    idleNanos = idle;   // read after finish's wait, which the end of this block happens before
                    return;
                }
                // Waiting for the caller's next task: spin first, then give the core away between checks.
                long now = System.nanoTime();
                if (idleSince == 0) {
                    idleSince = now;
                }
                if (now - idleSince < EAGER_SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
        }
    }

    /** Throws {@code e} as it is when unchecked, else wrapped with {@code message}; nothing when it is null. */
    private static void rethrow(Throwable e, String message) {
        if (e instanceof RuntimeException r) {
            throw r;
        }
        if (e instanceof Error err) {
            throw err;
        }
        if (e != null) {
            throw new IllegalStateException(message, e);
        }
    }

    /**
     * Whether the pool is taken right now (by a split in progress or a queue of {@link OrderedTasks}): a split asked
     * for now would run on the caller alone. A hint, read without holding anything.
     */
    static boolean held() {
        Pool p = POOL.get();
        return p != null && p.busy.get();
    }

    /** Caps a requested thread count to what the machine and the configuration allow (read when a kernel is made). */
    public static int cap(int requested) {
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
        Pool pool = pool();
        if (!pool.busy.compareAndSet(false, true)) {
            body.compute(0, n);   // another thread's product holds the pool: the same columns, on this thread
            return;
        }
        try {
            int block = ((n + align - 1) / align + t - 1) / t * align;
            Job job = new Job(body, n, block, (n + block - 1) / block);
            pool.publish(job);
            job.runBlocks();
            job.awaitDone();
            job.rethrow();
        } finally {
            pool.busy.set(false);
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

    /** How many blocks the workers have computed so far in this JVM (the caller's own blocks not counted). */
    static long workerBlocks() {
        return WORKER_BLOCKS.get();
    }

    /** The pool, started by the first product that is split (never when every kernel has one thread). */
    private static Pool pool() {
        Pool p = POOL.get();
        if (p == null) {
            Pool made = new Pool(Math.max(1, Math.min(MAX_THREADS, Runtime.getRuntime().availableProcessors()) - 1));
            p = POOL.compareAndExchange(null, made);
            if (p == null) {
                made.start();
                p = made;
            }
        }
        return p;
    }

    /** The blocks of one product: claimed one at a time by whoever comes first, counted down when done. */
    static final class Job {
        private final ColumnBlock body;
        private final int n;
        private final int block;
        private final int blocks;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger remaining;
        private volatile Throwable failure;

        Job(ColumnBlock body, int n, int block, int blocks) {
            this.body = body;
            this.n = n;
            this.block = block;
            this.blocks = blocks;
            this.remaining = new AtomicInteger(blocks);
        }

        /** Claims and runs blocks until none is left; returns how many it ran. */
        int runBlocks() {
            int ran = 0;
            for (int i = next.getAndIncrement(); i < blocks; i = next.getAndIncrement()) {
                int from = i * block;
                try {
                    body.compute(from, Math.min(n, from + block));
                } catch (Throwable e) {
                    if (failure == null) {
                        failure = e;
                    }
                } finally {
                    ran++;
                    remaining.decrementAndGet();
                }
            }
            return ran;
        }

        /** Spins until every claimed block is done (the caller has claimed all unclaimed ones by now). */
        void awaitDone() {
            int spins = 0;
            while (remaining.get() > 0) {
                if (++spins < 1 << 10) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();   // the worker holding a block was descheduled: give it the core
                }
            }
        }

        void rethrow() {
            GemmThreads.rethrow(failure, "gemm: a worker thread failed");
        }
    }

    /** Daemon workers waiting for the next {@link Job}: spinning for {@value #SPIN_NANOS} ns, then parked. */
    static final class Pool {
        final AtomicBoolean busy = new AtomicBoolean();
        private final Worker[] workers;
        private volatile Job current;
        private volatile long sequence;

        Pool(int size) {
            workers = new Worker[size];
            for (int i = 0; i < size; i++) {
                workers[i] = new Worker(this);
            }
        }

        void start() {
            for (Worker w : workers) {
                w.thread.start();
            }
        }

        /** Makes {@code job} the current one and wakes the parked workers (only the pool's holder calls this). */
        void publish(Job job) {
            current = job;
            sequence = sequence + 1;
            for (Worker w : workers) {
                if (w.parked) {
                    LockSupport.unpark(w.thread);
                }
            }
        }
    }

    private static final class Worker implements Runnable {
        private final Pool pool;
        final Thread thread;
        volatile boolean parked;

        Worker(Pool pool) {
            this.pool = pool;
            this.thread = new Thread(this, "tapegrad-gemm");
            this.thread.setDaemon(true);
        }

        @Override
        public void run() {
            // From 0, not from the sequence at start-up: the job that started the pool may be published before this
            // thread first runs, and must not be taken for one already seen.
            long seen = 0;
            while (true) {
                long start = System.nanoTime();
                while (pool.sequence == seen) {
                    long waited = System.nanoTime() - start;
                    if (waited < EAGER_SPIN_NANOS) {
                        Thread.onSpinWait();
                        continue;
                    }
                    if (waited < SPIN_NANOS) {
                        // Spinning by yielding: as quick to see the next job on an idle core, but on a busy machine
                        // the core goes to whatever else is runnable instead of being burnt on this process's share
                        // (Linux shares CPU between sessions, so a worker that spins hard slows its own caller).
                        Thread.yield();
                        continue;
                    }
                    parked = true;
                    // Checked again after announcing the park: a job published in between is not missed, as the
                    // publisher reads `parked` after writing `sequence`.
                    if (pool.sequence == seen) {
                        LockSupport.park(this);
                    }
                    parked = false;
                }
                seen = pool.sequence;
                Job job = pool.current;
                if (job != null) {
                    int ran = job.runBlocks();
                    if (ran > 0) {
                        WORKER_BLOCKS.addAndGet(ran);
                    }
                }
            }
        }
    }
}
