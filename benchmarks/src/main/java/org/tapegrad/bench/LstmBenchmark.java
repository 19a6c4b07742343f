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
import org.openjdk.jmh.annotations.Warmup;
import org.tapegrad.bench.fused.FusedLstm;
import org.tapegrad.layers.cell.LstmCell;
import org.tapegrad.tape.Tape;

/**
 * LSTM forward + backward through time in double precision, loss {@code Σ h_T}: {@code layers}' {@link LstmCell} on the
 * tape ({@link #tape}) against the hand-written fused BPTT ({@link #fused}) on the same weights, inputs and GEMM kernel. The tape overhead ratio is
 * {@code tape / fused} for one shape, measured in the same run.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx6g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class LstmBenchmark {

    /** B, T, I, H. */
    @Param({"B1_T100_I64_H64", "B32_T100_I64_H128", "B64_T50_I128_H512", "B16_T1000_I32_H64"})
    public String shape;

    /**
     * Threads the tape's products are split over: {@value TapeKernels#CONFIGURED} ({@code -Dtapegrad.threads}, default
     * the cores) or a number ({@code -p threads=1,2} measures both side by side).
     */
    @Param({TapeKernels.CONFIGURED})
    public String threads;

    private Tape tape;
    private LstmCell cell;
    private R064Store[] xs;
    private FusedLstm fusedLstm;
    private R064Store wx;
    private R064Store wh;
    private R064Store b;
    private R064Store[] lastStepSeed;

    @Setup
    public void setUp() {
        BenchmarkJvm.limitOjAlgoThreads();
        tape = new Tape(TapeKernels.forThreads(threads));
        RecurrentShape s = RecurrentShape.parse(shape);
        Random random = new Random(7);
        cell = new LstmCell("lstm", s.input(), s.hidden(), random);
        xs = Inputs.sequence(s.steps(), s.batch(), s.input(), random);
        fusedLstm = new FusedLstm(tape.kernels(), s.batch(), s.input(), s.hidden(), s.steps());
        wx = R064Store.FACTORY.copy(cell.wx().value());
        wh = R064Store.FACTORY.copy(cell.wh().value());
        b = R064Store.FACTORY.copy(cell.b().value());
        lastStepSeed = new R064Store[s.steps()];
        lastStepSeed[s.steps() - 1] = R064Store.FACTORY.make(s.batch(), s.hidden());
        lastStepSeed[s.steps() - 1].fillAll(1.0);
    }

    /** The layers' LSTM cell (engine ops), unrolled, recorded and replayed by the tape. */
    @Benchmark
    public double tape() {
        return TapeRun.forwardBackward(tape, cell, xs);
    }

    /** The hand-written reference: same math, same kernel, no tape. */
    @Benchmark
    public double fused() {
        fusedLstm.forward(xs, wx, wh, b);
        fusedLstm.backward(xs, wh, lastStepSeed);
        return fusedLstm.gradB().data[0];
    }
}
