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
import org.openjdk.jmh.annotations.Warmup;
import org.tapegrad.kernel.GemmKernel;
import org.tapegrad.kernel.PackedOperand;
import org.tapegrad.kernel.Kernels;

/**
 * Time of one matrix product {@code C = op(A)·op(B)} per kernel, shape, thread count and element type
 * ({@code dtype} {@code f64} or {@code f32}: the kernel's double or float product); GFLOP/s is {@code 2·m·n·k / time}.
 *
 * <p>Shapes are {@code m×k·k×n}: a batch-32 recurrent step into a 512-wide layer, a square 512³, a batch-1 step and a
 * batch-32 step of a 256-wide layer, and the two VJP forms {@code Aᵀ·B} and {@code A·Bᵀ} of the first. Kernels come
 * from {@link Kernels#gemm(String, int)} in the same JVM (so one run compares them side by side), plus
 * {@code netlib-java} / {@code netlib-native} ({@link NetlibGemm}), which ignore {@code threads} (native OpenBLAS
 * follows {@code OMP_NUM_THREADS}).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar 'GemmBenchmark|FmaPeakBenchmark' -f 1 -wi 3 -i 5 -rf csv -rff gemm.csv
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar org.tapegrad.bench.GemmPeakReport gemm.csv
 * </pre>
 *
 * (the second line prints every row in GFLOP/s and as a fraction of the FMA peak of its dtype, {@link GemmPeakReport}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class GemmBenchmark {

    /** {@code m×k×n}, optionally {@code :AtB} (A stored transposed) or {@code :ABt} (B stored transposed). */
    @Param({"32x192x512", "32x192x512:AtB", "32x192x512:ABt", "512x512x512", "1x64x256", "32x64x256"})
    public String shape;

    @Param({"vector", "java", "ojalgo"})
    public String kernel;

    @Param({"1", "2"})
    public int threads;

    /** {@code f64} or {@code f32}. */
    @Param({"f64", "f32"})
    public String dtype;

    /**
     * {@code true}: B packed once before the timed products ({@link GemmKernel#pack}, what a tape does for a weight it
     * multiplies at every step), each product reading the panels; a kernel without a packed form multiplies by B.
     */
    @Param({"false"})
    public boolean prepackedB;

    private GemmKernel gemm;
    private PackedOperand packed;
    private boolean transA;
    private boolean transB;
    private int m;
    private int n;
    private int k;
    private double[] a;
    private double[] b;
    private double[] c;
    private float[] af;
    private float[] bf;
    private float[] cf;
    private boolean f32;

    @Setup(Level.Trial)
    public void setUp() {
        BenchmarkJvm.limitOjAlgoThreads();
        String[] form = shape.split(":");
        String[] dims = form[0].split("x");
        m = Integer.parseInt(dims[0]);
        k = Integer.parseInt(dims[1]);
        n = Integer.parseInt(dims[2]);
        transA = form.length > 1 && form[1].equals("AtB");
        transB = form.length > 1 && form[1].equals("ABt");
        gemm = kernel.startsWith("netlib") ? NetlibGemm.of(kernel) : Kernels.gemm(kernel, threads);
        Random random = new Random(42);
        a = gaussian(random, m * k);
        b = gaussian(random, k * n);
        c = new double[m * n];
        switch (dtype) {
            case "f64":
                f32 = false;
                break;
            case "f32":
                f32 = true;
                af = toFloat(a);
                bf = toFloat(b);
                cf = new float[m * n];
                break;
            default:
                throw new IllegalArgumentException("dtype " + dtype + ": expected f64 or f32");
        }
        if (prepackedB) {
            packed = f32 ? gemm.pack(transB, k, n, bf, m, null) : gemm.pack(transB, k, n, b, m, null);
        }
    }

    @Benchmark
    public Object multiply() {
        if (packed != null) {
            if (f32) {
                gemm.gemm(transA, m, n, k, af, packed, cf, false);
                return cf;
            }
            gemm.gemm(transA, m, n, k, a, packed, c, false);
            return c;
        }
        if (f32) {
            gemm.gemm(transA, transB, m, n, k, af, bf, cf, false);
            return cf;
        }
        gemm.gemm(transA, transB, m, n, k, a, b, c, false);
        return c;
    }

    private static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    private static double[] gaussian(Random random, int size) {
        double[] v = new double[size];
        for (int i = 0; i < size; i++) {
            v[i] = random.nextGaussian();
        }
        return v;
    }
}
