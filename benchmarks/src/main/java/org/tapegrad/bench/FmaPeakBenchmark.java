package org.tapegrad.bench;

import java.util.concurrent.TimeUnit;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
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

/**
 * The FMA peak of one core, in float64 and float32: {@value #CHAINS} independent chains of vector fused
 * multiply-adds ({@code acc = acc·x + y}, the preferred species: 8 doubles or 16 floats per 512-bit vector) over
 * {@value #STEPS} steps, nothing else in the loop. Enough chains to cover the FMA latency times the FMAs issued per
 * cycle (4 cycles × 2 pipes on Zen 4 and most x86 cores), few enough to stay in registers. FLOPs per call are
 * {@code 2 · lanes · CHAINS · STEPS}; {@link GemmPeakReport} turns the time into GFLOP/s and divides the GEMM rows
 * by it.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar FmaPeakBenchmark -f 1 -wi 3 -i 5
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class FmaPeakBenchmark {

    /** Independent accumulators. */
    public static final int CHAINS = 12;
    /** FMA steps per chain and call. */
    public static final int STEPS = 100_000;

    private static final VectorSpecies<Double> DOUBLES = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;

    /** {@code f64} or {@code f32}. */
    @Param({"f64", "f32"})
    public String dtype;

    /** Non-constant operands so that nothing folds: acc converges to y/(1 − x). */
    public double x = 0.999;
    public double y = 1e-3;

    @Setup
    public void check() {
        if (!dtype.equals("f64") && !dtype.equals("f32")) {
            throw new IllegalArgumentException("dtype " + dtype + ": expected f64 or f32");
        }
    }

    /** Vector lanes of a dtype in this JVM. */
    public static int lanes(String dtype) {
        return dtype.equals("f32") ? FLOATS.length() : DOUBLES.length();
    }

    /** Floating-point operations of one call. */
    public static double flopsPerCall(String dtype) {
        return 2.0 * lanes(dtype) * CHAINS * STEPS;
    }

    @Benchmark
    public double fma() {
        return dtype.equals("f32") ? floats() : doubles();
    }

    private double doubles() {
        DoubleVector vx = DoubleVector.broadcast(DOUBLES, x);
        DoubleVector vy = DoubleVector.broadcast(DOUBLES, y);
        DoubleVector a0 = DoubleVector.broadcast(DOUBLES, 0.0);
        DoubleVector a1 = DoubleVector.broadcast(DOUBLES, 0.1);
        DoubleVector a2 = DoubleVector.broadcast(DOUBLES, 0.2);
        DoubleVector a3 = DoubleVector.broadcast(DOUBLES, 0.3);
        DoubleVector a4 = DoubleVector.broadcast(DOUBLES, 0.4);
        DoubleVector a5 = DoubleVector.broadcast(DOUBLES, 0.5);
        DoubleVector a6 = DoubleVector.broadcast(DOUBLES, 0.6);
        DoubleVector a7 = DoubleVector.broadcast(DOUBLES, 0.7);
        DoubleVector a8 = DoubleVector.broadcast(DOUBLES, 0.8);
        DoubleVector a9 = DoubleVector.broadcast(DOUBLES, 0.9);
        DoubleVector a10 = DoubleVector.broadcast(DOUBLES, 1.0);
        DoubleVector a11 = DoubleVector.broadcast(DOUBLES, 1.1);
        for (int s = 0; s < STEPS; s++) {
            a0 = a0.fma(vx, vy);
            a1 = a1.fma(vx, vy);
            a2 = a2.fma(vx, vy);
            a3 = a3.fma(vx, vy);
            a4 = a4.fma(vx, vy);
            a5 = a5.fma(vx, vy);
            a6 = a6.fma(vx, vy);
            a7 = a7.fma(vx, vy);
            a8 = a8.fma(vx, vy);
            a9 = a9.fma(vx, vy);
            a10 = a10.fma(vx, vy);
            a11 = a11.fma(vx, vy);
        }
        DoubleVector sum = a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11);
        return sum.reduceLanes(VectorOperators.ADD);
    }

    private double floats() {
        FloatVector vx = FloatVector.broadcast(FLOATS, (float) x);
        FloatVector vy = FloatVector.broadcast(FLOATS, (float) y);
        FloatVector a0 = FloatVector.broadcast(FLOATS, 0.0f);
        FloatVector a1 = FloatVector.broadcast(FLOATS, 0.1f);
        FloatVector a2 = FloatVector.broadcast(FLOATS, 0.2f);
        FloatVector a3 = FloatVector.broadcast(FLOATS, 0.3f);
        FloatVector a4 = FloatVector.broadcast(FLOATS, 0.4f);
        FloatVector a5 = FloatVector.broadcast(FLOATS, 0.5f);
        FloatVector a6 = FloatVector.broadcast(FLOATS, 0.6f);
        FloatVector a7 = FloatVector.broadcast(FLOATS, 0.7f);
        FloatVector a8 = FloatVector.broadcast(FLOATS, 0.8f);
        FloatVector a9 = FloatVector.broadcast(FLOATS, 0.9f);
        FloatVector a10 = FloatVector.broadcast(FLOATS, 1.0f);
        FloatVector a11 = FloatVector.broadcast(FLOATS, 1.1f);
        for (int s = 0; s < STEPS; s++) {
            a0 = a0.fma(vx, vy);
            a1 = a1.fma(vx, vy);
            a2 = a2.fma(vx, vy);
            a3 = a3.fma(vx, vy);
            a4 = a4.fma(vx, vy);
            a5 = a5.fma(vx, vy);
            a6 = a6.fma(vx, vy);
            a7 = a7.fma(vx, vy);
            a8 = a8.fma(vx, vy);
            a9 = a9.fma(vx, vy);
            a10 = a10.fma(vx, vy);
            a11 = a11.fma(vx, vy);
        }
        FloatVector sum = a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11);
        return sum.reduceLanes(VectorOperators.ADD);
    }
}
