package org.tapegrad.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@link FusionBenchmark}'s workloads timed for a machine shared with other work, as {@link InterleavedRatio} does:
 * every round runs each variant once (naive, naive fused, built-in, built-in fused, hand-fused; the order rotates from
 * round to round), timed in thread CPU time, and each ratio is the median over rounds of the per-round ratio. The
 * tape and {@code FusedLstm} run on one thread ({@link FusionBenchmark#threads}' default), whatever
 * {@code -Dtapegrad.threads} says, so that the thread's CPU time is all of their work.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar org.tapegrad.bench.FusionRatio
 *      [--seconds=20] [--cells=lstm,gru] [B1_T100_I64_H64 ...]</pre>
 */
public final class FusionRatio {

    private static final String[] DEFAULT_SHAPES = {"B1_T100_I64_H64", "B32_T100_I64_H128", "B64_T50_I128_H512", "B16_T1000_I32_H64"};
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private FusionRatio() {
    }

    public static void main(String[] args) throws Exception {
        ToolArguments.run("FusionRatio", () -> run(args));
    }

    private static void run(String[] args) {
        BenchmarkJvm.limitOjAlgoThreads();
        double seconds = 20;
        List<String> cells = List.of("lstm", "gru");
        List<String> shapes = new ArrayList<>();
        for (String a : args) {
            if (a.startsWith("--seconds=")) {
                seconds = ToolArguments.seconds("--seconds", a.substring(10));
            } else if (a.startsWith("--cells=")) {
                cells = ToolArguments.names("--cells", a.substring(8), List.of("lstm", "gru"));
            } else if (a.startsWith("--")) {
                throw ToolArguments.unknown(a, "--seconds=S, --cells=lstm,gru or shapes B<batch>_T<steps>_I<input>_H<hidden>");
            } else {
                RecurrentShape.parse(a);   // checked now, not after the rows before it have been timed
                shapes.add(a);
            }
        }
        if (shapes.isEmpty()) {
            shapes = List.of(DEFAULT_SHAPES);
        }
        System.out.println("| cell | B,T,I,H | rounds | naive ms | naive fused ms | built-in ms | built-in fused ms | hand-fused ms"
                + " | naive / built-in | naive fused / built-in | built-in / hand | built-in fused / hand | naive fused / hand |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (String cell : cells) {
            for (String shape : shapes) {
                measure(cell, shape, seconds);
            }
        }
    }

    private static void measure(String cell, String shape, double seconds) {
        FusionBenchmark b = new FusionBenchmark();
        b.cell = cell;
        b.shape = shape;
        b.threads = TapeKernels.ONE;
        b.setUp();
        boolean hand = cell.equals("lstm");
        Runnable[] variants = {b::naive, b::naiveFused, b::builtIn, b::builtInFused, hand ? b::handFused : () -> { }};
        int n = variants.length;
        long warmEnd = System.nanoTime() + (long) (seconds * 0.25e9);
        for (int i = 0; i < 3 || System.nanoTime() < warmEnd; i++) {
            for (Runnable r : variants) {
                r.run();
            }
        }
        int capacity = 10_000;
        double[][] cpu = new double[n][capacity];
        int rounds = 0;
        long end = System.nanoTime() + (long) (seconds * 0.75e9);
        while (rounds < capacity && (rounds < 5 || System.nanoTime() < end)) {
            for (int k = 0; k < n; k++) {
                int v = (k + rounds) % n;
                long start = THREADS.getCurrentThreadCpuTime();
                variants[v].run();
                cpu[v][rounds] = (THREADS.getCurrentThreadCpuTime() - start) / 1e6;
            }
            rounds++;
        }
        double[] ms = new double[n];
        for (int v = 0; v < n; v++) {
            ms[v] = Medians.of(Arrays.copyOf(cpu[v], rounds));
        }
        String handMs = hand ? fmt(ms[4]) : "-";
        System.out.printf(Locale.ROOT, "| %s | %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", cell,
                shape.replace("B", "").replace("_T", ",").replace("_I", ",").replace("_H", ","), rounds, fmt(ms[0]), fmt(ms[1]),
                fmt(ms[2]), fmt(ms[3]), handMs, fmt(ratio(cpu, 0, 2, rounds)), fmt(ratio(cpu, 1, 2, rounds)),
                hand ? fmt(ratio(cpu, 2, 4, rounds)) : "-", hand ? fmt(ratio(cpu, 3, 4, rounds)) : "-", hand ? fmt(ratio(cpu, 1, 4, rounds)) : "-");
    }

    /** Median over rounds of {@code cpu[a][r] / cpu[b][r]}. */
    private static double ratio(double[][] cpu, int a, int b, int rounds) {
        double[] r = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            r[i] = cpu[a][i] / cpu[b][i];
        }
        return Medians.of(r);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, v < 10 ? "%.3f" : "%.1f", v);
    }
}
