package org.tapegrad.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * Cost of one tape step per primitive at small shapes: record the op on parameter leaves (so every VJP runs), reduce
 * with {@code sum()}, backward, reset. {@link #sumOnly} is the same step without the op, to subtract. Run with
 * {@code -prof gc}: {@code gc.alloc.rate.norm} is the allocation per step, i.e. per two recorded ops (op + sum).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class OpBenchmark {

    private final Tape tape = new Tape();
    private Parameter row64;      // 1×64
    private Parameter w64x256;    // 64×256
    private Parameter a;          // 32×128
    private Parameter b;          // 32×128
    private Parameter bias;       // 1×128
    private Parameter logits;     // 32×65
    private int[] targets;        // 32 classes in 0..64

    @Setup
    public void setUp() {
        BenchmarkJvm.limitOjAlgoThreads();
        Random random = new Random(1);
        row64 = Inputs.uniform("x", 1, 64, random);
        w64x256 = Inputs.uniform("w", 64, 256, random);
        a = Inputs.uniform("a", 32, 128, random);
        b = Inputs.uniform("b", 32, 128, random);
        bias = Inputs.uniform("bias", 1, 128, random);
        logits = Inputs.uniform("logits", 32, 65, random);
        targets = new int[32];
        for (int i = 0; i < targets.length; i++) {
            targets[i] = random.nextInt(65);
        }
    }

    /** {@code 1×64 · 64×256}. */
    @Benchmark
    public double matmul() {
        return step(tape.param(row64).matmul(w64x256));
    }

    /** tanh of {@code 32×128}. */
    @Benchmark
    public double tanh() {
        return step(tape.param(a).tanh());
    }

    /** sigmoid of {@code 32×128}. */
    @Benchmark
    public double sigmoid() {
        return step(tape.param(a).sigmoid());
    }

    /** {@code 32×128 + 1×128} (bias broadcast along rows). */
    @Benchmark
    public double addBias() {
        return step(tape.param(a).plus(bias));
    }

    /** Element-wise {@code 32×128 ⊙ 32×128}. */
    @Benchmark
    public double mul() {
        return step(tape.param(a).times(b));
    }

    /** Columns {@code [32, 64)} of {@code 32×128}: one gate out of a fused gate matrix. */
    @Benchmark
    public double columns() {
        return step(tape.param(a).columns(32, 64));
    }

    /** Per-row softmax cross-entropy of {@code 32×65} logits. */
    @Benchmark
    public double crossEntropy() {
        return step(tape.param(logits).crossEntropy(targets));
    }

    /** The reduction, backward and reset alone, on {@code 32×128}: the fixed part of every step above. */
    @Benchmark
    public double sumOnly() {
        return step(tape.param(a));
    }

    private double step(Var y) {
        Var loss = y.sum();
        tape.backward(loss);
        double value = loss.item();
        tape.reset();
        return value;
    }
}
