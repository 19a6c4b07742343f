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
import org.tapegrad.layers.cell.RnnCell;
import org.tapegrad.op.DType;
import org.tapegrad.tape.Tape;

/** tanh-RNN ({@code layers}' {@link RnnCell}) forward + backward through time on the tape, float64 or float32 ({@link #dtype}), loss {@code Σ h_T}. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx6g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RnnBenchmark {

    /** B, T, I, H. */
    @Param({"B1_T100_I64_H64", "B32_T100_I64_H128", "B64_T50_I128_H512", "B16_T1000_I32_H64"})
    public String shape;

    /** Element type of the tape and the weights: {@code f64} or {@code f32} (the weights are the f64 ones rounded). */
    @Param({"f64", "f32"})
    public String dtype;

    private Tape tape;
    private RnnCell cell;
    private R064Store[] xs;

    @Setup
    public void setUp() {
        BenchmarkJvm.limitOjAlgoThreads();
        RecurrentShape s = RecurrentShape.parse(shape);
        Random random = new Random(7);
        cell = new RnnCell("rnn", s.input(), s.hidden(), RnnCell.Activation.TANH, random);
        xs = Inputs.sequence(s.steps(), s.batch(), s.input(), random);
        DType type = DType.parse(dtype);
        cell.convertTo(type);
        tape = new Tape(type);
    }

    @Benchmark
    public double tape() {
        return TapeRun.forwardBackward(tape, cell, xs);
    }
}
