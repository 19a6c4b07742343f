package org.tapegrad.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.ojalgo.matrix.store.R064Store;
import org.tapegrad.bench.fused.FusedLstm;
import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.CellState;
import org.tapegrad.layers.cell.GruCell;
import org.tapegrad.layers.cell.LstmCell;
import org.tapegrad.layers.cell.RnnCell;
import org.tapegrad.tape.Tape;

/**
 * The tape overhead ratio measured for a machine shared with other work. JMH runs one benchmark after the other, so
 * load that comes and goes lands on one side; here every round times one tape and one fused LSTM forward + backward
 * back to back (in alternating order) and the figure is the median of the per-round ratios. Times are the thread's
 * CPU time, which leaves out the time the thread waits for a core while other processes run; so the tape and the fused
 * LSTM run on one thread ({@link TapeKernels#oneThread()}), whose CPU time is all of their work. GRU and RNN (tape only,
 * there is no fused reference for them) are timed the same way. Same workloads as the JMH benchmarks.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar org.tapegrad.bench.InterleavedRatio
 *      [--seconds=20] [--cells=lstm,gru,rnn] [--csv=file] [B1_T100_I64_H64 ...]</pre>
 *
 * The CSV has the columns {@code cell,B,T,I,H,tape_ms,fused_ms,ratio} (thread CPU ms).
 */
public final class InterleavedRatio {

    private static final String[] DEFAULT_SHAPES = {"B1_T100_I64_H64", "B32_T100_I64_H128", "B64_T50_I128_H512", "B16_T1000_I32_H64"};
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private InterleavedRatio() {
    }

    public static void main(String[] args) throws Exception {
        ToolArguments.run("InterleavedRatio", () -> run(args));
    }

    private static void run(String[] args) {
        BenchmarkJvm.limitOjAlgoThreads();
        double seconds = 20;
        List<String> cells = List.of("lstm");
        Path csv = null;
        List<RecurrentShape> shapes = new ArrayList<>();
        for (String a : args) {
            if (a.startsWith("--seconds=")) {
                seconds = ToolArguments.seconds("--seconds", a.substring(10));
            } else if (a.startsWith("--cells=")) {
                cells = ToolArguments.names("--cells", a.substring(8), RecurrentShape.CELLS);
            } else if (a.startsWith("--csv=")) {
                csv = Path.of(a.substring(6));
            } else if (a.startsWith("--")) {
                throw ToolArguments.unknown(a, "--seconds=S, --cells=lstm,gru,rnn, --csv=FILE or shapes B<batch>_T<steps>_I<input>_H<hidden>");
            } else {
                shapes.add(RecurrentShape.parse(a));   // checked now, not after the rows before it have been timed
            }
        }
        if (shapes.isEmpty()) {
            shapes = Arrays.stream(DEFAULT_SHAPES).map(RecurrentShape::parse).toList();
        }
        if (!THREADS.isCurrentThreadCpuTimeSupported()) {
            throw new IllegalStateException("this JVM cannot measure thread CPU time");
        }
        List<String> rows = new ArrayList<>();
        System.out.println("| cell | B,T,I,H | rounds | tape CPU ms | fused CPU ms | tape/fused (median of rounds) | min/min | tape/fused wall |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (String cell : cells) {
            for (RecurrentShape s : shapes) {
                rows.add(measure(cell, s, seconds));
            }
        }
        if (csv != null) {
            try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(csv))) {
                out.println("cell,B,T,I,H,tape_ms,fused_ms,ratio");
                rows.forEach(out::println);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + csv, e);
            }
        }
    }

    /** Times one cell at one shape and prints a table row; returns the CSV row. */
    private static String measure(String cellName, RecurrentShape s, double seconds) {
        Random random = new Random(7);
        Runnable runTape;
        Runnable runFused = null;
        Tape tape = new Tape(TapeKernels.oneThread());
        switch (cellName) {
            case "lstm": {
                LstmCell cell = new LstmCell("lstm", s.input(), s.hidden(), random);
                R064Store[] xs = Inputs.sequence(s.steps(), s.batch(), s.input(), random);
                FusedLstm fused = new FusedLstm(tape.kernels(), s.batch(), s.input(), s.hidden(), s.steps());
                R064Store wx = R064Store.FACTORY.copy(cell.wx().value());
                R064Store wh = R064Store.FACTORY.copy(cell.wh().value());
                R064Store b = R064Store.FACTORY.copy(cell.b().value());
                R064Store[] seed = new R064Store[s.steps()];
                seed[s.steps() - 1] = R064Store.FACTORY.make(s.batch(), s.hidden());
                seed[s.steps() - 1].fillAll(1.0);
                runTape = () -> TapeRun.forwardBackward(tape, cell, xs);
                runFused = () -> {
                    fused.forward(xs, wx, wh, b);
                    fused.backward(xs, wh, seed);
                };
                break;
            }
            case "gru":
                runTape = tapeOnly(tape, new GruCell("gru", s.input(), s.hidden(), GruCell.Variant.LINEAR_BEFORE_RESET, random), s, random);
                break;
            case "rnn":
                runTape = tapeOnly(tape, new RnnCell("rnn", s.input(), s.hidden(), RnnCell.Activation.TANH, random), s, random);
                break;
            default:
                throw new IllegalArgumentException("unknown cell '" + cellName + "': expected lstm, gru or rnn");
        }
        Runnable fusedOrNothing = runFused == null ? () -> { } : runFused;
        long warmEnd = System.nanoTime() + (long) (seconds * 0.25e9);   // a quarter of the budget, at least 3 rounds
        for (int i = 0; i < 3 || System.nanoTime() < warmEnd; i++) {
            runTape.run();
            fusedOrNothing.run();
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
            time(tapeFirst ? runTape : fusedOrNothing, pair);
            double firstCpu = pair[0];
            double firstWall = pair[1];
            time(tapeFirst ? fusedOrNothing : runTape, pair);
            tapeCpu[rounds] = tapeFirst ? firstCpu : pair[0];
            fusedCpu[rounds] = tapeFirst ? pair[0] : firstCpu;
            ratios[rounds] = tapeCpu[rounds] / fusedCpu[rounds];
            wallRatios[rounds] = tapeFirst ? firstWall / pair[1] : pair[1] / firstWall;
            rounds++;
        }
        double[] t = Arrays.copyOf(tapeCpu, rounds);
        double tapeMs = Medians.of(t);
        String shape = s.batch() + "," + s.steps() + "," + s.input() + "," + s.hidden();
        if (runFused == null) {
            System.out.printf(Locale.ROOT, "| %s | %s | %d | %.3f | - | - | - | - |%n", cellName, shape, rounds, tapeMs);
            return String.format(Locale.ROOT, "%s,%s,%.4f,,", cellName, shape, tapeMs);
        }
        double[] f = Arrays.copyOf(fusedCpu, rounds);
        double ratio = Medians.of(Arrays.copyOf(ratios, rounds));
        System.out.printf(Locale.ROOT, "| %s | %s | %d | %.3f | %.3f | %.3f | %.3f | %.3f |%n", cellName, shape, rounds, tapeMs, Medians.of(f), ratio,
                min(t) / min(f), Medians.of(Arrays.copyOf(wallRatios, rounds)));
        return String.format(Locale.ROOT, "%s,%s,%.4f,%.4f,%.4f", cellName, shape, tapeMs, Medians.of(f), ratio);
    }

    private static <S extends CellState> Runnable tapeOnly(Tape tape, Cell<S> cell, RecurrentShape s, Random random) {
        R064Store[] xs = Inputs.sequence(s.steps(), s.batch(), s.input(), random);
        return () -> TapeRun.forwardBackward(tape, cell, xs);
    }

    /** Runs {@code r}; {@code out[0]} is the thread CPU time, {@code out[1]} the wall time, both in ms. */
    private static void time(Runnable r, double[] out) {
        long cpu = THREADS.getCurrentThreadCpuTime();
        long wall = System.nanoTime();
        r.run();
        out[1] = (System.nanoTime() - wall) / 1e6;
        out[0] = (THREADS.getCurrentThreadCpuTime() - cpu) / 1e6;
    }


    private static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }
}
