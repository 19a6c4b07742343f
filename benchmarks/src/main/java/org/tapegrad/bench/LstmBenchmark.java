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
import org.tapegrad.op.DType;
import org.tapegrad.tape.Tape;

/**
 * LSTM forward + backward through time, loss {@code Σ h_T}: {@code layers}' {@link LstmCell} on the tape
 * ({@link #tape}, in float64 or float32: {@link Precision#dtype}) against the hand-written fused float64 BPTT
 * ({@link #fused}) on the same weights, inputs and GEMM kernel. The tape overhead ratio is {@code tape / fused} of
 * float64 for one shape, measured in the same run; {@code tape} f32 / f64 is what float32 buys.
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

    /** The tape's element type; only {@link #tape} has it (the fused reference is float64). */
    @State(Scope.Thread)
    public static class Precision {
        /** {@code f64} or {@code f32} (the weights are the f64 ones rounded). */
        @Param({"f64", "f32"})
        public String dtype;
    }

    private final Tape tape = new Tape();
    private final Tape tape32 = new Tape(DType.F32);
    private LstmCell cell;
    private LstmCell cell32;
    private R064Store[] xs;
    private FusedLstm fusedLstm;
    private R064Store wx;
    private R064Store wh;
    private R064Store b;
    private R064Store[] lastStepSeed;

    @Setup
    public void setUp() {
        BenchmarkJvm.limitOjAlgoThreads();
        RecurrentShape s = RecurrentShape.parse(shape);
        Random random = new Random(7);
        cell = new LstmCell("lstm", s.input(), s.hidden(), random);
        xs = Inputs.sequence(s.steps(), s.batch(), s.input(), random);
        cell32 = new LstmCell("lstm", s.input(), s.hidden(), new Random(7));   // the same weights, then rounded
        cell32.convertTo(DType.F32);
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
    public double tape(Precision precision) {
        return "f32".equals(precision.dtype) ? TapeRun.forwardBackward(tape32, cell32, xs) : TapeRun.forwardBackward(tape, cell, xs);
    }

    /** The hand-written reference: same math, same kernel, no tape. */
    @Benchmark
    public double fused() {
        fusedLstm.forward(xs, wx, wh, b);
        fusedLstm.backward(xs, wh, lastStepSeed);
        return fusedLstm.gradB().data[0];
    }
}
