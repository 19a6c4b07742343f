package org.tapegrad.bench;

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
 * ratios. Same workload as {@link LstmBenchmark}.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar org.tapegrad.bench.InterleavedRatio
 *      [seconds-per-shape] [B1_T100_I64_H64 ...]</pre>
 */
public final class InterleavedRatio {

    private static final String[] DEFAULT_SHAPES = {"B1_T100_I64_H64", "B32_T100_I64_H128", "B64_T50_I128_H512", "B16_T1000_I32_H64"};

    private InterleavedRatio() {
    }

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 20;
        String[] shapes = args.length > 1 ? Arrays.copyOfRange(args, 1, args.length) : DEFAULT_SHAPES;
        System.out.println("| B,T,I,H | rounds | tape ms (median) | fused ms (median) | tape/fused (median of rounds) | min/min |");
        System.out.println("|---|---|---|---|---|---|");
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
        double[] tapeMs = new double[10_000];
        double[] fusedMs = new double[10_000];
        double[] ratios = new double[10_000];
        int rounds = 0;
        long end = System.nanoTime() + (long) (seconds * 0.75e9);
        while (rounds < tapeMs.length && (rounds < 5 || System.nanoTime() < end)) {
            boolean tapeFirst = rounds % 2 == 0;
            double first = time(tapeFirst ? runTape : runFused);
            double second = time(tapeFirst ? runFused : runTape);
            tapeMs[rounds] = tapeFirst ? first : second;
            fusedMs[rounds] = tapeFirst ? second : first;
            ratios[rounds] = tapeMs[rounds] / fusedMs[rounds];
            rounds++;
        }
        double[] t = Arrays.copyOf(tapeMs, rounds);
        double[] f = Arrays.copyOf(fusedMs, rounds);
        double[] r = Arrays.copyOf(ratios, rounds);
        System.out.printf("| %d,%d,%d,%d | %d | %.3f | %.3f | %.3f | %.3f |%n", s.batch(), s.steps(), s.input(), s.hidden(), rounds,
                median(t), median(f), median(r), min(t) / min(f));
    }

    private static double time(Runnable r) {
        long start = System.nanoTime();
        r.run();
        return (System.nanoTime() - start) / 1e6;
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
