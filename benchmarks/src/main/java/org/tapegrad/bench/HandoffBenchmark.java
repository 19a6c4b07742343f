package org.tapegrad.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

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
import org.openjdk.jmh.annotations.Warmup;
import org.tapegrad.kernel.GemmKernel;
import org.tapegrad.kernel.Kernels;

/**
 * What handing half a product to the second thread costs: one recurrent-step-sized product {@code C = A·B}
 * ({@code m×k·k×n}) on 1 and on 2 threads, with the worker awake (products back to back: it spins between them) or
 * parked (the product follows a 2 ms pause, longer than the worker spins, so the worker must be woken). The hand-off
 * cost is {@code t₂ − t₁/2}; the shapes are the per-step products of LSTM at B=32, H=128 ({@code 32x128x512},
 * {@code 32x512x128}), at B=16, H=64 ({@code 16x64x256}), and the smallest product that is split
 * ({@code 32x64x128}, 2¹⁸ multiply-adds).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar HandoffBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class HandoffBenchmark {

    /** {@code m×k×n}. */
    @Param({"32x64x128", "16x64x256", "32x128x512", "32x512x128"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    /** {@code awake}: products back to back; {@code parked}: each after a pause the worker parks in. */
    @Param({"awake", "parked"})
    public String worker;

    private GemmKernel gemm;
    private int m;
    private int n;
    private int k;
    private double[] a;
    private double[] b;
    private double[] c;

    @Setup(Level.Trial)
    public void setUp() {
        String[] dims = shape.split("x");
        m = Integer.parseInt(dims[0]);
        k = Integer.parseInt(dims[1]);
        n = Integer.parseInt(dims[2]);
        gemm = Kernels.gemm(System.getProperty(Kernels.GEMM_PROPERTY), threads);
        Random random = new Random(42);
        a = random.doubles(m * k, -1, 1).toArray();
        b = random.doubles(k * n, -1, 1).toArray();
        c = new double[m * n];
    }

    /** Outside the timed call: lets the worker run out of its spin and park before a {@code parked} product. */
    @Setup(Level.Invocation)
    public void pause() {
        if (worker.equals("parked")) {
            LockSupport.parkNanos(2_000_000);
        }
    }

    @Benchmark
    public double product() {
        gemm.gemm(false, false, m, n, k, a, b, c, false);
        return c[0];
    }
}
