package org.tapegrad.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;

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
import org.tapegrad.kernel.ActivationKernel;
import org.tapegrad.kernel.ScalarActivations;
import org.tapegrad.kernel.VectorActivations;

/**
 * One exp, tanh or sigmoid over a {@code 32×128} array (4096 doubles, uniform in [−5, 5]: the pre-activations of a
 * batch-32 gate) per kernel: {@code jdk-vector} is the former vector kernel on the JDK's {@code EXP}/{@code EXPM1}
 * ({@link JdkVectorActivations}), {@code vector} and {@code java} are the engine's IEEE-only kernels.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar ActivationBenchmark -f 2 -wi 3 -i 5 -w 1 -r 1
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class ActivationBenchmark {

    @Param({"jdk-vector", "vector", "java"})
    public String kernel;

    private ActivationKernel k;
    private final double[] x = new double[32 * 128];
    private final double[] y = new double[32 * 128];

    @Setup
    public void setUp() {
        switch (kernel) {
            case "jdk-vector":
                k = new JdkVectorActivations();
                break;
            case "vector":
                k = new VectorActivations();
                break;
            case "java":
                k = new ScalarActivations();
                break;
            default:
                throw new IllegalArgumentException("unknown kernel " + kernel);
        }
        Random random = new Random(1);
        for (int i = 0; i < x.length; i++) {
            x[i] = 10 * random.nextDouble() - 5;
        }
    }

    /** {@code y = e^x}. */
    @Benchmark
    public double[] exp() {
        k.exp(x, 0, y, 0, x.length);
        return y;
    }

    /** {@code y = tanh x}. */
    @Benchmark
    public double[] tanh() {
        k.tanh(x, 0, y, 0, x.length);
        return y;
    }

    /** {@code y = 1/(1+e^{−x})}. */
    @Benchmark
    public double[] sigmoid() {
        k.sigmoid(x, 0, y, 0, x.length);
        return y;
    }
}
