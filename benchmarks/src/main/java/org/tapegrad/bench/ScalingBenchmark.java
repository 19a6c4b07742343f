package org.tapegrad.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.ojalgo.matrix.store.R064Store;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
import org.tapegrad.op.DType;
import org.tapegrad.tape.Tape;

/**
 * How the tape scales with sequence length, in float64 and float32 ({@link #dtype}): LSTM B=16, I=32, H=64, forward + backward over T steps. Time per step is
 * the score divided by T. At the end of each trial it prints {@code [scaling] T=… pooled bytes per step}: the tape's
 * buffer pool ({@link Tape#pooledBytesAllocated()} / T: 8 bytes an element in f64, 4 in f32), the memory one recorded step keeps alive until
 * {@code reset()}; {@code -prof gc} adds the garbage per invocation.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx8g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ScalingBenchmark {

    private static final int BATCH = 16;
    private static final int INPUT = 32;
    private static final int HIDDEN = 64;

    @Param({"10", "100", "1000", "10000"})
    public int steps;

    /** Element type of the tape and the weights: {@code f64} or {@code f32} (the weights are the f64 ones rounded). */
    @Param({"f64", "f32"})
    public String dtype;

    private Tape tape;
    private LstmCell cell;
    private R064Store[] xs;

    @Setup
    public void setUp() {
        BenchmarkJvm.limitOjAlgoThreads();
        Random random = new Random(7);
        cell = new LstmCell("lstm", INPUT, HIDDEN, random);
        xs = Inputs.sequence(steps, BATCH, INPUT, random);
        DType type = DType.parse(dtype);
        cell.convertTo(type);
        tape = new Tape(type);
    }

    @Benchmark
    public double tape() {
        return TapeRun.forwardBackward(tape, cell, xs);
    }

    /** Prints the pool's size per step (JMH shows a fork's output); it is flat after the first invocation. */
    @TearDown
    public void reportMemory() {
        long perStep = tape.pooledBytesAllocated() / steps;
        System.out.printf("%n[scaling] %s T=%d pooled bytes per step: %d (%.1f KiB), total %.1f MiB%n", dtype, steps, perStep, perStep / 1024.0,
                tape.pooledBytesAllocated() / (1024.0 * 1024.0));
    }
}
