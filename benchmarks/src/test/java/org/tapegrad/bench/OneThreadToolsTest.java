package org.tapegrad.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The tools timed by the calling thread's CPU time run their tapes on one thread whatever the machine's cores and
 * {@code -Dtapegrad.threads}: with a pool worker that CPU time leaves out the worker's share (checkpointed LSTM at
 * T = 10,000 on 2 cores: 1.46–1.57× the full tape's time and 17.2 MiB at the peak, against 1.16× and 14.1 MiB on one
 * thread, the figures the README's commands are quoted with).
 */
class OneThreadToolsTest {

    @Test
    void checkpointRatioRunsBothSidesOnOneThread() {
        assertEquals(1, CheckpointBenchmark.workload(4, TapeKernels.ONE).threads());
    }

    @Test
    void fusionRatioRunsTheTapeAndTheHandFusedLstmOnOneThread() {
        FusionBenchmark b = new FusionBenchmark();
        b.cell = "lstm";
        b.shape = "B2_T3_I4_H5";
        b.setUp();
        assertEquals(1, b.tape().kernels().gemm().threads());
    }

    @Test
    void theOneThreadKernelsSplitNothing() {
        assertEquals(1, TapeKernels.oneThread().gemm().threads());
        assertEquals(1, TapeKernels.forThreads(TapeKernels.ONE).gemm().threads());
    }
}
