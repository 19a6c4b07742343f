package org.tapegrad.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Function;

import org.ojalgo.matrix.store.R064Store;
import org.tapegrad.kernel.Kernels;
import org.tapegrad.op.DType;
import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.CellState;
import org.tapegrad.layers.cell.FusedCell;
import org.tapegrad.tape.BatchShards;
import org.tapegrad.tape.Tape;

/**
 * The 2-thread speed-up of the tape measured for a machine shared with other work: every round times the same
 * forward + backward (loss {@code Σ h_T}) on a tape whose products run on 1 thread and on one whose products are
 * split over 2 (in alternating order), by wall clock, and the figure is the median of the per-round ratios, so load
 * that comes and goes falls on both sides. The JMH form of the same comparison is
 * {@code LstmBenchmark|GruBenchmark|RnnBenchmark -p threads=1,2}.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar org.tapegrad.bench.ThreadSpeedup
 *      [--seconds=20] [--cells=lstm,gru,rnn] [--dtype=f64|f32] [--fused] [--shards=N | --unbalanced] [B32_T100_I64_H128 ...]</pre>
 *
 * <p>{@code --shards=N} adds the batch cut into N shards ({@link BatchShards}: each shard's whole forward and
 * backward on a tape of its own, the shards on 2 threads and, as a third column, on 1): the 1-thread plain tape
 * against the 2-thread sharded one is what a user with two cores gains, the two sharded columns what the second core
 * gives the same arithmetic.
 *
 * <p>{@code --unbalanced} adds, as a third column, the 2-thread tape with
 * {@link Tape#setBalanceWeightGradients setBalanceWeightGradients(false)}: the worker gets all of every weight-gradient
 * product, as before the pass's thread kept a share of them; its last column is unbalanced / balanced.
 *
 * <p>{@code --fused} runs each cell through {@link FusedCell} (one fused op per step, whose element-wise work is split
 * over the threads too when it is large enough).
 */
public final class ThreadSpeedup {

    private static final String[] DEFAULT_SHAPES = {"B1_T100_I64_H64", "B32_T100_I64_H128", "B64_T50_I128_H512", "B16_T1000_I32_H64"};

    private ThreadSpeedup() {
    }

    public static void main(String[] args) throws Exception {
        ToolArguments.run("ThreadSpeedup", () -> run(args));
    }

    private static void run(String[] args) {
        BenchmarkJvm.limitOjAlgoThreads();
        double seconds = 20;
        DType dtype = DType.F64;
        List<String> cells = List.of("lstm", "gru", "rnn");
        List<RecurrentShape> shapes = new ArrayList<>();
        boolean fused = false;
        int shards = 0;
        boolean unbalanced = false;
        for (String a : args) {
            if (a.equals("--fused")) {
                fused = true;
            } else if (a.equals("--unbalanced")) {
                unbalanced = true;
            } else if (a.startsWith("--shards=")) {
                shards = ToolArguments.atLeast("--shards", a.substring(9), 1);
            } else if (a.startsWith("--seconds=")) {
                seconds = ToolArguments.seconds("--seconds", a.substring(10));
            } else if (a.startsWith("--dtype=")) {
                dtype = DType.parse(a.substring(8));
            } else if (a.startsWith("--cells=")) {
                cells = ToolArguments.names("--cells", a.substring(8), RecurrentShape.CELLS);
            } else if (a.startsWith("--")) {
                throw ToolArguments.unknown(a, "--seconds=S, --cells=lstm,gru,rnn, --dtype=f64|f32, --fused, --shards=N, --unbalanced or shapes B<batch>_T<steps>_I<input>_H<hidden>");
            } else {
                shapes.add(RecurrentShape.parse(a));   // checked now, not after the rows before it have been timed
            }
        }
        if (shapes.isEmpty()) {
            shapes = Arrays.stream(DEFAULT_SHAPES).map(RecurrentShape::parse).toList();
        }
        if (Kernels.maxThreads() < 2) {
            throw new IllegalArgumentException("needs 2 threads: tapegrad.threads=" + System.getProperty("tapegrad.threads")
                    + ", cores " + Runtime.getRuntime().availableProcessors());
        }
        if (shards > 0 && unbalanced) {
            throw new IllegalArgumentException("--shards and --unbalanced: expected one of them (each adds its own third column)");
        }
        if (unbalanced) {
            System.out.println("| cell | B,T,I,H | dtype | rounds | 1 thread wall ms | 2 threads wall ms | 2 threads unbalanced wall ms"
                    + " | 1t / 2t | unbalanced 2t / 2t (medians of rounds) |");
            System.out.println("|---|---|---|---|---|---|---|---|---|");
        } else if (shards > 0) {
            System.out.println("| cell | B,T,I,H | dtype | rounds | 1 thread wall ms | " + shards + " shards, 2 threads wall ms | " + shards
                    + " shards, 1 thread wall ms | 1t / sharded 2t | sharded 1t / sharded 2t (medians of rounds) |");
            System.out.println("|---|---|---|---|---|---|---|---|---|");
        } else {
            System.out.println("| cell | B,T,I,H | dtype | rounds | 1 thread wall ms | 2 threads wall ms | 1t/2t (median of rounds) |");
            System.out.println("|---|---|---|---|---|---|---|");
        }
        for (String cell : cells) {
            for (RecurrentShape s : shapes) {
                measure(cell, s, seconds, dtype, fused, shards, unbalanced);
            }
        }
    }

    private static void measure(String cellName, RecurrentShape s, double seconds, DType dtype, boolean fused, int shards, boolean unbalanced) {
        Function<Random, Cell<?>> plain = r -> s.cell(cellName, r);
        Function<Random, Cell<?>> make = fused ? r -> FusedCell.of(plain.apply(r)) : plain;
        Runnable one = run(new Tape(Kernels.defaults().withGemm(Kernels.gemm(System.getProperty(Kernels.GEMM_PROPERTY), 1)), dtype), make, s, dtype);
        if (shards > 0) {
            Kernels kernels = Kernels.defaults().withGemm(Kernels.gemm(System.getProperty(Kernels.GEMM_PROPERTY), 1));
            Runnable two = sharded(new BatchShards(s.batch(), shards, kernels, dtype, 2), make, s, dtype);
            Runnable oneSharded = sharded(new BatchShards(s.batch(), shards, kernels, dtype, 1), make, s, dtype);
            measureThree(fused ? "fused " + cellName : cellName, s, dtype, seconds, one, two, oneSharded);
            return;
        }
        Runnable two = run(new Tape(Kernels.defaults().withGemm(Kernels.gemm(System.getProperty(Kernels.GEMM_PROPERTY), 2)), dtype), make, s, dtype);
        if (unbalanced) {
            Tape all = new Tape(Kernels.defaults().withGemm(Kernels.gemm(System.getProperty(Kernels.GEMM_PROPERTY), 2)), dtype);
            all.setBalanceWeightGradients(false);
            measureThree(fused ? "fused " + cellName : cellName, s, dtype, seconds, one, two, run(all, make, s, dtype));
            return;
        }
        long warmEnd = System.nanoTime() + (long) (seconds * 0.25e9);
        for (int i = 0; i < 3 || System.nanoTime() < warmEnd; i++) {
            one.run();
            two.run();
        }
        int capacity = 10_000;
        double[] t1 = new double[capacity];
        double[] t2 = new double[capacity];
        double[] ratios = new double[capacity];
        int rounds = 0;
        long end = System.nanoTime() + (long) (seconds * 0.75e9);
        while (rounds < capacity && (rounds < 5 || System.nanoTime() < end)) {
            boolean oneFirst = rounds % 2 == 0;
            double first = wallMs(oneFirst ? one : two);
            double second = wallMs(oneFirst ? two : one);
            t1[rounds] = oneFirst ? first : second;
            t2[rounds] = oneFirst ? second : first;
            ratios[rounds] = t1[rounds] / t2[rounds];
            rounds++;
        }
        System.out.printf(Locale.ROOT, "| %s | %d,%d,%d,%d | %s | %d | %.3f | %.3f | %.3f |%n", fused ? "fused " + cellName : cellName, s.batch(), s.steps(), s.input(), s.hidden(), dtype.name().toLowerCase(java.util.Locale.ROOT),
                rounds, Medians.of(Arrays.copyOf(t1, rounds)), Medians.of(Arrays.copyOf(t2, rounds)), Medians.of(Arrays.copyOf(ratios, rounds)));
    }

    /** One forward + backward on {@code tape}: the same seeded cell and inputs for every variant. */
    private static Runnable run(Tape tape, Function<Random, Cell<?>> make, RecurrentShape s, DType dtype) {
        return workload(make, s, dtype, (cell, xs) -> () -> TapeRun.forwardBackward(tape, cell, xs));
    }

    /** The cell made from seed 7, converted to {@code dtype}, and inputs drawn after it, handed to {@code variant}. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Runnable workload(Function<Random, Cell<?>> make, RecurrentShape s, DType dtype,
            java.util.function.BiFunction<Cell<CellState>, R064Store[], Runnable> variant) {
        Random random = new Random(7);
        Cell cell = make.apply(random);
        cell.convertTo(dtype);
        R064Store[] xs = Inputs.sequence(s.steps(), s.batch(), s.input(), random);
        return variant.apply((Cell<CellState>) cell, xs);
    }

    /** Rounds of the three in rotating order; medians of the times and of the per-round ratios. */
    private static void measureThree(String name, RecurrentShape s, DType dtype, double seconds, Runnable one, Runnable two, Runnable oneSharded) {
        Runnable[] runs = {one, two, oneSharded};
        long warmEnd = System.nanoTime() + (long) (seconds * 0.25e9);
        for (int i = 0; i < 3 || System.nanoTime() < warmEnd; i++) {
            for (Runnable r : runs) {
                r.run();
            }
        }
        int capacity = 10_000;
        double[][] times = new double[3][capacity];
        double[] gain = new double[capacity];
        double[] scaling = new double[capacity];
        int rounds = 0;
        long end = System.nanoTime() + (long) (seconds * 0.75e9);
        while (rounds < capacity && (rounds < 5 || System.nanoTime() < end)) {
            for (int k = 0; k < 3; k++) {
                int which = (rounds + k) % 3;
                times[which][rounds] = wallMs(runs[which]);
            }
            gain[rounds] = times[0][rounds] / times[1][rounds];
            scaling[rounds] = times[2][rounds] / times[1][rounds];
            rounds++;
        }
        System.out.printf(Locale.ROOT, "| %s | %d,%d,%d,%d | %s | %d | %.3f | %.3f | %.3f | %.3f | %.3f |%n", name, s.batch(), s.steps(), s.input(), s.hidden(),
                dtype.name().toLowerCase(Locale.ROOT), rounds, Medians.of(Arrays.copyOf(times[0], rounds)), Medians.of(Arrays.copyOf(times[1], rounds)),
                Medians.of(Arrays.copyOf(times[2], rounds)), Medians.of(Arrays.copyOf(gain, rounds)), Medians.of(Arrays.copyOf(scaling, rounds)));
    }

    /** One forward + backward of the batch cut into {@code shards}. */
    private static Runnable sharded(BatchShards shards, Function<Random, Cell<?>> make, RecurrentShape s, DType dtype) {
        return workload(make, s, dtype, (cell, xs) -> () -> TapeRun.sharded(shards, cell, xs));
    }

    private static double wallMs(Runnable r) {
        long start = System.nanoTime();
        r.run();
        return (System.nanoTime() - start) / 1e6;
    }
}
