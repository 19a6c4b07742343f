package org.tapegrad.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.tapegrad.layers.cell.LstmCell;
import org.tapegrad.layers.train.CheckpointSchedule;

/**
 * Memory and time vs T with and without checkpointing: LSTM B=16, I=32, H=64, forward + backward over T steps,
 * {@code L = Σ h_T}. {@code fullTape} records all T steps on one tape (T ≤ 10,000: 100,000 does not fit);
 * {@code checkpointed} runs {@link org.tapegrad.layers.train.CheckpointedBptt} with a state every ⌈√T⌉ steps. Each
 * trial prints {@code [checkpoint] T=… peak bytes …}, the buffer pool's deterministic account of what the run held at
 * its peak. For T = 100,000 in a 2 GiB heap: {@code -p steps=100000 -jvmArgsAppend -Xmx2g checkpointed}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx8g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class CheckpointBenchmark {

    private static final int BATCH = 16;
    private static final int INPUT = 32;
    private static final int HIDDEN = 64;

    /** The full tape, where it fits. */
    @State(Scope.Thread)
    public static class Full {
        @Param({"10", "100", "1000", "10000"})
        public int steps;
        /** Threads of the tape's products: 1 by default, the condition of the checkpointing targets. */
        @Param({TapeKernels.ONE})
        public String threads;
        CheckpointRun run;

        @Setup
        public void setUp() {
            run = workload(steps, threads);
        }

        @TearDown(Level.Trial)
        public void report() {
            print("full tape", steps, run.fullPeakBytes);
        }
    }

    /** Checkpointed, √T spacing. */
    @State(Scope.Thread)
    public static class Checkpointed {
        @Param({"10", "100", "1000", "10000", "100000"})
        public int steps;
        /** Threads of the tape's products: 1 by default, the condition of the checkpointing targets. */
        @Param({TapeKernels.ONE})
        public String threads;
        CheckpointRun run;

        @Setup
        public void setUp() {
            run = workload(steps, threads);
        }

        @TearDown(Level.Trial)
        public void report() {
            print("checkpointed √T", steps, run.checkpointedPeakBytes);
        }
    }

    /** The workload of T = {@code steps} on tapes of {@code threads} ({@link TapeKernels#forThreads}). */
    static CheckpointRun workload(int steps, String threads) {
        BenchmarkJvm.limitOjAlgoThreads();
        Random random = new Random(7);
        LstmCell cell = new LstmCell("lstm", INPUT, HIDDEN, random);
        return new CheckpointRun(cell, Inputs.sequence(steps, BATCH, INPUT, random), CheckpointSchedule.sqrt(), TapeKernels.forThreads(threads));
    }

    static void print(String what, int steps, long peak) {
        System.out.printf("%n[checkpoint] %s T=%d peak bytes %d (%.1f MiB, %.1f KiB per step), max heap %.0f MiB%n", what, steps, peak,
                peak / (1024.0 * 1024.0), peak / 1024.0 / steps, Runtime.getRuntime().maxMemory() / (1024.0 * 1024.0));
    }

    @Benchmark
    public double fullTape(Full s) {
        return s.run.full();
    }

    @Benchmark
    public double checkpointed(Checkpointed s) {
        return s.run.checkpointed();
    }
}
