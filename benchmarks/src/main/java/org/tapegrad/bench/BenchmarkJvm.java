package org.tapegrad.bench;

import org.ojalgo.OjAlgoUtils;

/** What every benchmark JVM sets up before it measures. */
final class BenchmarkJvm {

    private BenchmarkJvm() {
    }

    /**
     * Limits ojAlgo's thread pool to one thread. The engine splits large products over its own threads
     * ({@code tapegrad.threads}); ojAlgo's pool, behind the {@code ojalgo} GEMM kernel, has no upper limit and would
     * compete with them for the cores, so a figure would depend on both. Harmless to call again in every trial.
     */
    static void limitOjAlgoThreads() {
        OjAlgoUtils.limitThreadsTo(1);
    }
}
