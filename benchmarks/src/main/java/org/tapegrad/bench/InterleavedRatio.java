package org.tapegrad.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Random;

import org.ojalgo.matrix.store.R064Store;
import org.tapegrad.bench.cells.TapeLstm;
import org.tapegrad.bench.fused.FusedLstm;
import org.tapegrad.tape.Tape;

/**
 * The tape overhead ratio measured by alternating tape and fused runs, for a machine shared with other work: JMH runs
 * one benchmark after the other, so load that comes and goes lands on one side; here every round times one tape and
 * one fused forward + backward back to back (in alternating order), and the figure is the median of the per-round
 * ratios. Times are the thread's CPU time, which does not count the time the thread waits for a core while other
 * processes run (wall-clock medians are printed too). Same workload as {@link LstmBenchmark}.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar org.tapegrad.bench.InterleavedRatio
 *      [seconds-per-shape] [B1_T100_I64_H64 ...]</pre>
 */
public final class InterleavedRatio {

    private static final String[] DEFAULT_SHAPES = {"B1_T100_I64_H64", "B32_T100_I64_H128", "B64_T50_I128_H512", "B16_T1000_I32_H64"};

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private InterleavedRatio() {
    }

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 20;
        String[] shapes = args.length > 1 ? Arrays.copyOfRange(args, 1, args.length) : DEFAULT_SHAPES;
        if (!THREADS.isCurrentThreadCpuTimeSupported()) {
            throw new IllegalStateException("this JVM cannot measure thread CPU time");
        }
        System.out.println("| B,T,I,H | rounds | tape CPU ms | fused CPU ms | tape/fused CPU (median of rounds) | tape/fused CPU min/min | tape/fused wall |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (String text : shapes) {
            measure(RecurrentShape.parse(text), seconds);
        }
    }

    private static void measure(RecurrentShape s, double seconds) {
        Random random = new Random(7);
        TapeLstm cell = new TapeLstm("lstm", s.input(), s.hidden(), random);
        R064Store[] xs = Inputs.sequence(s.steps(), s.batch(), s.input(), random);
        FusedLstm fused = new FusedLstm(s.batch(), s.input(), s.hidden(), s.steps());
        R064Store[] seed = new R064Store[s.steps()];
        seed[s.steps() - 1] = R064Store.FACTORY.make(s.batch(), s.hidden());
        seed[s.steps() - 1].fillAll(1.0);
        Tape tape = new Tape();
        Runnable runTape = () -> TapeRun.forwardBackward(tape, cell, xs);
        Runnable runFused = () -> {
            fused.forward(xs, cell.wx().value(), cell.wh().value(), cell.b().value());
            fused.backward(xs, cell.wh().value(), seed);
        };
        // Warm-up: a quarter of the budget, at least 3 pairs.
        long warmEnd = System.nanoTime() + (long) (seconds * 0.25e9);
        for (int i = 0; i < 3 || System.nanoTime() < warmEnd; i++) {
            runTape.run();
            runFused.run();
        }
        int capacity = 10_000;
        double[] tapeCpu = new double[capacity];
        double[] fusedCpu = new double[capacity];
        double[] ratios = new double[capacity];
        double[] wallRatios = new double[capacity];
        double[] pair = new double[2];
        int rounds = 0;
        long end = System.nanoTime() + (long) (seconds * 0.75e9);
        while (rounds < capacity && (rounds < 5 || System.nanoTime() < end)) {
            boolean tapeFirst = rounds % 2 == 0;
            time(tapeFirst ? runTape : runFused, pair);
            double firstCpu = pair[0];
            double firstWall = pair[1];
            time(tapeFirst ? runFused : runTape, pair);
            tapeCpu[rounds] = tapeFirst ? firstCpu : pair[0];
            fusedCpu[rounds] = tapeFirst ? pair[0] : firstCpu;
            ratios[rounds] = tapeCpu[rounds] / fusedCpu[rounds];
            wallRatios[rounds] = tapeFirst ? firstWall / pair[1] : pair[1] / firstWall;
            rounds++;
        }
        double[] t = Arrays.copyOf(tapeCpu, rounds);
        double[] f = Arrays.copyOf(fusedCpu, rounds);
        System.out.printf("| %d,%d,%d,%d | %d | %.3f | %.3f | %.3f | %.3f | %.3f |%n", s.batch(), s.steps(), s.input(), s.hidden(), rounds,
                median(t), median(f), median(Arrays.copyOf(ratios, rounds)), min(t) / min(f), median(Arrays.copyOf(wallRatios, rounds)));
    }

    /** Runs {@code r}; {@code out[0]} is the thread CPU time, {@code out[1]} the wall time, both in ms. */
    private static void time(Runnable r, double[] out) {
        long cpu = THREADS.getCurrentThreadCpuTime();
        long wall = System.nanoTime();
        r.run();
        out[1] = (System.nanoTime() - wall) / 1e6;
        out[0] = (THREADS.getCurrentThreadCpuTime() - cpu) / 1e6;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }
}
