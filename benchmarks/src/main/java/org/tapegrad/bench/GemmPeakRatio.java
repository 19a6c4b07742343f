package org.tapegrad.bench;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.tapegrad.kernel.GemmKernel;
import org.tapegrad.kernel.Kernels;

/**
 * GEMM GFLOP/s as a fraction of the one-core FMA peak of its dtype, measured for a machine shared with other work:
 * every round times the FMA loop of {@link FmaPeakBenchmark} and each product, f64 and f32, back to back, by the
 * thread's CPU time (which leaves out the time the thread waits for a core), and each figure is the median over the
 * rounds; a fraction is the median of the per-round fractions. The best round of each (the fastest sample, the
 * one least disturbed by other processes) is printed beside it. With {@code --baseline=engine.jar} the products of
 * the vector kernel of another build of the engine (loaded in a class loader of its own; f32 only where that build
 * has a float kernel) are timed in the same rounds, so that old and new are compared side by side. One thread.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar org.tapegrad.bench.GemmPeakRatio
 *      [--seconds=20] [--baseline=path/to/tapegrad-engine.jar] [512x512x512 32x192x512 512x64x2048:AtB+ ...]</pre>
 *
 * <p>Shapes are written as {@link GemmShape} reads them; a malformed shape or option ends the run with a one-line error
 * (exit status 2) before anything is timed.
 */
public final class GemmPeakRatio {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** CPU time per sample: products repeated until they take about this long. */
    private static final double SAMPLE_NANOS = 3e6;

    private GemmPeakRatio() {
    }

    /** One timed product: a shape and dtype on a kernel, repeated {@code reps} times per sample. */
    private static final class Product {
        final String label;
        final double flops;
        final Runnable run;
        int reps = 1;
        final List<Double> gflops = new ArrayList<>();
        final List<Double> fractions = new ArrayList<>();
        final String dtype;

        Product(String label, String dtype, double flops, Runnable run) {
            this.label = label;
            this.dtype = dtype;
            this.flops = flops;
            this.run = run;
        }
    }

    public static void main(String[] args) throws Exception {
        ToolArguments.run("GemmPeakRatio", () -> run(args));
    }

    private static void run(String[] args) throws ReflectiveOperationException, MalformedURLException {
        BenchmarkJvm.limitOjAlgoThreads();
        double seconds = 20;
        Path baseline = null;
        List<String> shapes = new ArrayList<>();
        for (String a : args) {
            if (a.startsWith("--seconds=")) {
                seconds = ToolArguments.seconds("--seconds", a.substring(10));
            } else if (a.startsWith("--baseline=")) {
                baseline = Path.of(a.substring(11));
                if (!Files.isRegularFile(baseline)) {
                    throw new IllegalArgumentException("--baseline=" + baseline + ": no such file (expected a tapegrad-engine jar)");
                }
            } else if (a.startsWith("--")) {
                throw ToolArguments.unknown(a, "--seconds=S, --baseline=JAR or shapes MxKxN");
            } else {
                shapes.add(a);
            }
        }
        if (shapes.isEmpty()) {
            shapes = List.of("512x512x512", "32x192x512");
        }
        GemmKernel vector = Kernels.gemm("vector", 1);
        MethodHandle[] old = baseline == null ? null : baselineGemm(baseline);
        List<Product> products = new ArrayList<>();
        for (String shape : shapes) {
            GemmShape g = GemmShape.parse(shape);
            int m = g.m();
            int k = g.k();
            int n = g.n();
            boolean transA = g.transA();
            boolean transB = g.transB();
            boolean accumulate = g.accumulate();
            double flops = g.flops();
            Random random = new Random(42);
            double[] a = gaussian(random, m * k);
            double[] b = gaussian(random, k * n);
            double[] c = new double[m * n];
            float[] af = toFloat(a);
            float[] bf = toFloat(b);
            float[] cf = new float[m * n];
            products.add(new Product(shape + " f64 vector", "f64", flops, () -> vector.gemm(transA, transB, m, n, k, a, b, c, accumulate)));
            if (old != null) {
                MethodHandle f64 = old[0];
                products.add(new Product(shape + " f64 vector (baseline)", "f64", flops, () -> {
                    try {
                        f64.invokeExact(transA, transB, m, n, k, a, b, c, accumulate);
                    } catch (Throwable e) {
                        throw new IllegalStateException("baseline gemm failed", e);
                    }
                }));
            }
            products.add(new Product(shape + " f32 vector", "f32", flops, () -> vector.gemm(transA, transB, m, n, k, af, bf, cf, accumulate)));
            if (old != null && old[1] != null) {
                MethodHandle f32 = old[1];
                products.add(new Product(shape + " f32 vector (baseline)", "f32", flops, () -> {
                    try {
                        f32.invokeExact(transA, transB, m, n, k, af, bf, cf, accumulate);
                    } catch (Throwable e) {
                        throw new IllegalStateException("baseline gemm failed", e);
                    }
                }));
            }
        }
        FmaPeakBenchmark peak = new FmaPeakBenchmark();
        // Warm up for a quarter of the budget, then size the samples.
        long warmEnd = System.nanoTime() + (long) (seconds * 0.25e9);
        while (System.nanoTime() < warmEnd) {
            peak.dtype = "f64";
            peak.fma();
            peak.dtype = "f32";
            peak.fma();
            for (Product p : products) {
                p.run.run();
            }
        }
        for (Product p : products) {
            long t = cpu();
            p.run.run();
            p.reps = (int) Math.max(1, Math.min(10_000, SAMPLE_NANOS / Math.max(1, cpu() - t)));
        }
        List<Double> peak64 = new ArrayList<>();
        List<Double> peak32 = new ArrayList<>();
        long end = System.nanoTime() + (long) (seconds * 0.75e9);
        for (int round = 0; round < 5 || System.nanoTime() < end; round++) {
            double p64 = peakGflops(peak, "f64");
            double p32 = peakGflops(peak, "f32");
            peak64.add(p64);
            peak32.add(p32);
            // Every other round in reverse order, so that no product always follows the same one.
            for (int q = 0; q < products.size(); q++) {
                Product p = products.get(round % 2 == 0 ? q : products.size() - 1 - q);
                long t = cpu();
                for (int r = 0; r < p.reps; r++) {
                    p.run.run();
                }
                double g = p.flops * p.reps / (cpu() - t);
                p.gflops.add(g);
                p.fractions.add(g / (p.dtype.equals("f64") ? p64 : p32));
            }
        }
        System.out.printf(Locale.ROOT, "rounds %d; FMA peak of one core (median, thread CPU time): f64 %.1f GFLOP/s, f32 %.1f GFLOP/s%n",
                peak64.size(), median(peak64), median(peak32));
        System.out.printf(Locale.ROOT, "best round: f64 %.1f GFLOP/s, f32 %.1f GFLOP/s%n", max(peak64), max(peak32));
        System.out.println("| product | GFLOP/s (median) | fraction of the dtype's FMA peak (median of rounds) | GFLOP/s (best round) | best / best peak |");
        System.out.println("|---|---|---|---|---|");
        for (Product p : products) {
            System.out.printf(Locale.ROOT, "| %s | %.1f | %.3f | %.1f | %.3f |%n", p.label, median(p.gflops), median(p.fractions),
                    max(p.gflops), max(p.gflops) / max(p.dtype.equals("f64") ? peak64 : peak32));
        }
        for (Product now : products) {
            for (Product before : products) {
                if (before.label.equals(now.label + " (baseline)")) {
                    List<Double> ratios = new ArrayList<>();
                    for (int r = 0; r < now.gflops.size(); r++) {
                        ratios.add(now.gflops.get(r) / before.gflops.get(r));
                    }
                    System.out.printf(Locale.ROOT, "%s: new / baseline %.3f (median of rounds)%n", now.label, median(ratios));
                }
            }
        }
    }

    private static double peakGflops(FmaPeakBenchmark peak, String dtype) {
        peak.dtype = dtype;
        long t = cpu();
        peak.fma();
        return FmaPeakBenchmark.flopsPerCall(dtype) / (cpu() - t);
    }

    /**
     * The double and float {@code gemm} of {@code org.tapegrad.kernel.VectorGemm} in another build's jar, on one thread;
     * the float one is null when that build's class does not declare it (the interface's plain default would be timed).
     */
    private static MethodHandle[] baselineGemm(Path jar) throws ReflectiveOperationException, MalformedURLException {
        URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, GemmPeakRatio.class.getClassLoader().getParent());
        Class<?> type;
        Object kernel;
        try {
            type = loader.loadClass("org.tapegrad.kernel.VectorGemm");
            kernel = type.getConstructor(int.class).newInstance(1);
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            throw new IllegalArgumentException("--baseline=" + jar + ": not a tapegrad engine jar (expected org.tapegrad.kernel.VectorGemm(int threads) in it)");
        }
        MethodHandle[] out = new MethodHandle[2];
        Class<?>[] arrays = {double[].class, float[].class};
        for (int i = 0; i < 2; i++) {
            MethodType t = MethodType.methodType(void.class, boolean.class, boolean.class, int.class, int.class, int.class,
                    arrays[i], arrays[i], arrays[i], boolean.class);
            try {
                type.getDeclaredMethod("gemm", t.parameterArray());
            } catch (NoSuchMethodException e) {
                continue;
            }
            out[i] = MethodHandles.publicLookup().findVirtual(type, "gemm", t).bindTo(kernel);
        }
        if (out[0] == null) {
            throw new IllegalArgumentException(jar + ": its VectorGemm has no double gemm");
        }
        return out;
    }

    private static long cpu() {
        return THREADS.getCurrentThreadCpuTime();
    }

    private static double max(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    private static double median(List<Double> v) {
        return Medians.of(v.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static double[] gaussian(Random random, int size) {
        double[] v = new double[size];
        for (int i = 0; i < size; i++) {
            v[i] = random.nextGaussian();
        }
        return v;
    }

    private static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }
}
