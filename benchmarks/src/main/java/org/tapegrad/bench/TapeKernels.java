package org.tapegrad.bench;

import org.tapegrad.kernel.Kernels;

/** The kernels a benchmark's tape runs on, from its {@code threads} parameter. */
final class TapeKernels {

    /** The {@code threads} value that keeps {@link Kernels#defaults()} ({@code -Dtapegrad.threads} or the cores). */
    static final String CONFIGURED = "configured";

    /** The {@code threads} value of the tools timed by one thread's CPU time: {@link #oneThread()}. */
    static final String ONE = "1";

    private TapeKernels() {
    }

    /**
     * The default kernels with every product on the calling thread, whatever {@code -Dtapegrad.threads} says: for the
     * tools timed by the calling thread's CPU time ({@code FusionRatio}, {@code CheckpointRatio},
     * {@code InterleavedRatio}, {@code PackingRatio}), which would not count what a pool worker does.
     */
    static Kernels oneThread() {
        return forThreads(ONE);
    }

    /**
     * {@link Kernels#defaults()} for {@value #CONFIGURED}; otherwise the same kernels with the GEMM split over at
     * most that many threads, so that one JMH run can measure 1 and 2 threads side by side
     * ({@code -p threads=1,2}).
     */
    static Kernels forThreads(String threads) {
        if (threads.equals(CONFIGURED)) {
            return Kernels.defaults();
        }
        int n;
        try {
            n = Integer.parseInt(threads.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("threads=" + threads + ": expected " + CONFIGURED + " or a positive whole number", e);
        }
        if (n < 1) {
            throw new IllegalArgumentException("threads=" + threads + ": expected " + CONFIGURED + " or a positive whole number");
        }
        return Kernels.defaults().withGemm(Kernels.gemm(System.getProperty(Kernels.GEMM_PROPERTY), n));
    }
}
