package org.tapegrad.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.ojalgo.matrix.store.R064Store;
import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.CellState;
import org.tapegrad.layers.cell.FusedCell;
import org.tapegrad.layers.cell.GruCell;
import org.tapegrad.layers.cell.LstmCell;
import org.tapegrad.layers.cell.RnnCell;
import org.tapegrad.op.DType;
import org.tapegrad.tape.Tape;

/**
 * What packing repeated right operands ({@link Tape#setPackRepeatedOperands}) gains, measured for a machine shared with
 * other work: every round runs the same forward + backward (loss {@code Σ h_T}, the same seeded cell and inputs) on a
 * tape that packs the weights and on one that reads them in place, in alternating order, timed in thread CPU time;
 * the figure is the median of the per-round ratios (in place / packed). The tapes run on one thread
 * ({@link TapeKernels#oneThread()}), whatever {@code -Dtapegrad.threads} says: a pool worker's share of the work
 * would not be in the calling thread's CPU time.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar org.tapegrad.bench.PackingRatio
 *      [--seconds=15] [--cells=lstm,gru,rnn] [--dtypes=f64,f32] [--fused] [B64_T50_I128_H512 ...]</pre>
 */
public final class PackingRatio {

    private static final String[] DEFAULT_SHAPES = {"B1_T100_I64_H64", "B32_T100_I64_H128", "B64_T50_I128_H512", "B16_T1000_I32_H64"};
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private PackingRatio() {
    }

    public static void main(String[] args) throws Exception {
        ToolArguments.run("PackingRatio", () -> run(args));
    }

    private static void run(String[] args) {
        BenchmarkJvm.limitOjAlgoThreads();
        double seconds = 15;
        List<String> cells = List.of("lstm", "gru", "rnn");
        List<DType> dtypes = List.of(DType.F64, DType.F32);
        List<RecurrentShape> shapes = new ArrayList<>();
        boolean fused = false;
        for (String a : args) {
            if (a.equals("--fused")) {
                fused = true;
            } else if (a.startsWith("--seconds=")) {
                seconds = ToolArguments.seconds("--seconds", a.substring(10));
            } else if (a.startsWith("--cells=")) {
                cells = ToolArguments.names("--cells", a.substring(8), RecurrentShape.CELLS);
            } else if (a.startsWith("--dtypes=")) {
                dtypes = Arrays.stream(a.substring(9).split(",")).map(DType::parse).toList();
            } else if (a.startsWith("--")) {
                throw ToolArguments.unknown(a, "--seconds=S, --cells=lstm,gru,rnn, --dtypes=f64,f32, --fused or shapes B<batch>_T<steps>_I<input>_H<hidden>");
            } else {
                shapes.add(RecurrentShape.parse(a));   // checked now, not after the rows before it have been timed
            }
        }
        if (shapes.isEmpty()) {
            shapes = Arrays.stream(DEFAULT_SHAPES).map(RecurrentShape::parse).toList();
        }
        System.out.println("| cell | B,T,I,H | dtype | rounds | in place ms | packed ms | in place / packed (median of rounds) |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (String cell : cells) {
            for (RecurrentShape shape : shapes) {
                for (DType dtype : dtypes) {
                    measure(cell, shape, dtype, fused, seconds);
                }
            }
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void measure(String cellName, RecurrentShape s, DType dtype, boolean fused, double seconds) {
        Random random = new Random(7);
        Cell cell = switch (cellName) {
            case "lstm" -> new LstmCell("lstm", s.input(), s.hidden(), random);
            case "gru" -> new GruCell("gru", s.input(), s.hidden(), GruCell.Variant.LINEAR_BEFORE_RESET, random);
            case "rnn" -> new RnnCell("rnn", s.input(), s.hidden(), RnnCell.Activation.TANH, random);
            default -> throw new IllegalArgumentException("PackingRatio: unknown cell '" + cellName + "': expected lstm, gru or rnn");
        };
        cell.convertTo(dtype);
        Cell<CellState> run = fused ? FusedCell.of(cell) : cell;
        R064Store[] xs = Inputs.sequence(s.steps(), s.batch(), s.input(), random);
        Tape inPlace = new Tape(TapeKernels.oneThread(), dtype);
        inPlace.setPackRepeatedOperands(false);
        Tape packed = new Tape(TapeKernels.oneThread(), dtype);
        Runnable[] variants = {() -> TapeRun.forwardBackward(inPlace, run, xs), () -> TapeRun.forwardBackward(packed, run, xs)};
        long warmEnd = System.nanoTime() + (long) (seconds * 0.25e9);
        for (int i = 0; i < 3 || System.nanoTime() < warmEnd; i++) {
            for (Runnable r : variants) {
                r.run();
            }
        }
        int capacity = 10_000;
        double[][] ms = new double[2][capacity];
        double[] ratios = new double[capacity];
        int rounds = 0;
        long end = System.nanoTime() + (long) (seconds * 0.75e9);
        while (rounds < capacity && (rounds < 5 || System.nanoTime() < end)) {
            for (int k = 0; k < 2; k++) {
                int v = (k + rounds) % 2;
                long start = THREADS.getCurrentThreadCpuTime();
                variants[v].run();
                ms[v][rounds] = (THREADS.getCurrentThreadCpuTime() - start) / 1e6;
            }
            ratios[rounds] = ms[0][rounds] / ms[1][rounds];
            rounds++;
        }
        System.out.printf(Locale.ROOT, "| %s | %d,%d,%d,%d | %s | %d | %.3f | %.3f | %.3f |%n", fused ? "fused " + cellName : cellName,
                s.batch(), s.steps(), s.input(), s.hidden(), dtype.name().toLowerCase(Locale.ROOT), rounds,
                Medians.of(Arrays.copyOf(ms[0], rounds)), Medians.of(Arrays.copyOf(ms[1], rounds)), Medians.of(Arrays.copyOf(ratios, rounds)));
    }
}
