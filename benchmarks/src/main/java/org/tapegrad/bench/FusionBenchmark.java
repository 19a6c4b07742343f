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
import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.FusedCell;
import org.tapegrad.layers.cell.GruCell;
import org.tapegrad.layers.cell.LstmCell;
import org.tapegrad.tape.Tape;

/**
 * Record-time fusion: forward + BPTT (loss {@code Σ h_T}, double precision, one thread) of a cell written the obvious
 * way ({@link NaiveLstm}, {@link NaiveGru}: one matmul per gate and input) and of the built-in cell, each on the plain
 * tape and through {@link FusedCell}, against the hand-written {@link FusedLstm} ({@code cell=lstm} only; for
 * {@code gru} the {@code handFused} benchmark runs nothing and is not reported). Ratios are taken within one run.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx6g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class FusionBenchmark {

    /** lstm or gru. */
    @Param({"lstm", "gru"})
    public String cell;

    /** B, T, I, H. */
    @Param({"B1_T100_I64_H64", "B32_T100_I64_H128", "B64_T50_I128_H512", "B16_T1000_I32_H64"})
    public String shape;

    /**
     * Threads of the tape's products (and of {@code FusedLstm}'s, which runs on the tape's kernels): 1 by default, the
     * condition of the fusion targets and of {@link FusionRatio}'s thread-CPU-time ratios; {@code -p threads=2} or
     * {@value TapeKernels#CONFIGURED} for more.
     */
    @Param({TapeKernels.ONE})
    public String threads = TapeKernels.ONE;

    private Tape tape;
    private Cell<?> naive;
    private Cell<?> naiveFused;
    private Cell<?> builtIn;
    private Cell<?> builtInFused;
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
        tape = new Tape(TapeKernels.forThreads(threads));
        Random random = new Random(7);
        xs = Inputs.sequence(s.steps(), s.batch(), s.input(), random);
        if (cell.equals("lstm")) {
            naive = new NaiveLstm(s.input(), s.hidden(), random);
            LstmCell lstm = new LstmCell("lstm", s.input(), s.hidden(), random);
            builtIn = lstm;
            fusedLstm = new FusedLstm(tape.kernels(), s.batch(), s.input(), s.hidden(), s.steps());
            wx = R064Store.FACTORY.copy(lstm.wx().value());
            wh = R064Store.FACTORY.copy(lstm.wh().value());
            b = R064Store.FACTORY.copy(lstm.b().value());
            lastStepSeed = new R064Store[s.steps()];
            lastStepSeed[s.steps() - 1] = R064Store.FACTORY.make(s.batch(), s.hidden());
            lastStepSeed[s.steps() - 1].fillAll(1.0);
        } else if (cell.equals("gru")) {
            naive = new NaiveGru(s.input(), s.hidden(), random);
            builtIn = new GruCell("gru", s.input(), s.hidden(), GruCell.Variant.LINEAR_BEFORE_RESET, random);
        } else {
            throw new IllegalArgumentException("cell '" + cell + "': expected lstm or gru");
        }
        naiveFused = FusedCell.of(naive);
        builtInFused = FusedCell.of(builtIn);
    }

    /** The tape the variants record on (its kernels' thread count is the {@code threads} parameter). */
    Tape tape() {
        return tape;
    }

    /** The cell as a user writes it, on the plain tape. */
    @Benchmark
    public double naive() {
        return TapeRun.forwardBackward(tape, naive, xs);
    }

    /** The same cell through {@link FusedCell}. */
    @Benchmark
    public double naiveFused() {
        return TapeRun.forwardBackward(tape, naiveFused, xs);
    }

    /** {@link LstmCell} / {@link GruCell} on the plain tape. */
    @Benchmark
    public double builtIn() {
        return TapeRun.forwardBackward(tape, builtIn, xs);
    }

    /** The built-in cell through {@link FusedCell}. */
    @Benchmark
    public double builtInFused() {
        return TapeRun.forwardBackward(tape, builtInFused, xs);
    }

    /** The hand-written LSTM BPTT (lstm only). */
    @Benchmark
    public double handFused() {
        if (fusedLstm == null) {
            return 0;
        }
        fusedLstm.forward(xs, wx, wh, b);
        fusedLstm.backward(xs, wh, lastStepSeed);
        return fusedLstm.gradB().data[0];
    }
}
