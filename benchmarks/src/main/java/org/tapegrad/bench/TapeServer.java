package org.tapegrad.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import org.ojalgo.matrix.store.R064Store;
import org.tapegrad.kernel.Kernels;
import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.CellState;
import org.tapegrad.op.DType;
import org.tapegrad.tape.Tape;

/**
 * Times the recurrent benchmark rows on request, for {@code pytorch_compare.py --interleaved}, which alternates rounds
 * of this JVM and of PyTorch on the same row so that load that comes and goes on a shared machine falls on both
 * sides (JMH first and PyTorch afterwards put minutes between the two figures of a row, and on a shared host the
 * speed of a core moved by up to 2× in that time). Reads one request per line on standard input,
 *
 * <pre>cell B_T_I_H dtype threads seconds</pre>
 *
 * (for example {@code lstm B64_T50_I128_H512 f32 2 1.5}), and answers each with one line, the median wall-clock ms of
 * the forward + backward calls ({@link TapeRun#forwardBackward}: loss {@code Σ h_T}, the same seeded cell and inputs
 * as the JMH benchmarks) that fit in {@code seconds}, at least 3, as {@code ok <ms> <calls>}, or {@code error
 * <message>}. A row's first request warms it up first, for 3 times as long and at least 4 s. Ends at end of input.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar org.tapegrad.bench.TapeServer</pre>
 */
public final class TapeServer {

    /** Least warm-up of a row, in seconds: about what JMH's two 1 s warm-up iterations and its fork give. */
    private static final double WARM_UP_SECONDS = 4;

    private TapeServer() {
    }

    /** One row, ready to run: a forward + backward on a tape of its own, with the row's thread count. */
    private record Row(Runnable call) {
    }

    public static void main(String[] args) throws IOException {
        BenchmarkJvm.limitOjAlgoThreads();
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        Map<String, Row> rows = new HashMap<>();
        for (String line; (line = in.readLine()) != null; ) {
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            try {
                String[] f = line.split("\\s+");
                if (f.length != 5) {
                    throw new IllegalArgumentException("expected 'cell B_T_I_H dtype threads seconds', got '" + line + "'");
                }
                double seconds = Double.parseDouble(f[4]);
                String key = f[0] + " " + f[1] + " " + f[2] + " " + f[3];
                Row row = rows.get(key);
                if (row == null) {
                    row = row(f[0], RecurrentShape.parse(f[1]), DType.parse(f[2]), Integer.parseInt(f[3]));
                    rows.put(key, row);
                    time(row.call(), Math.max(3 * seconds, WARM_UP_SECONDS));   // warm-up: C2 compiles the row's path
                }
                double[] result = time(row.call(), seconds);
                out.printf(Locale.ROOT, "ok %.4f %d%n", result[0], (int) result[1]);
            } catch (RuntimeException e) {
                out.println("error " + e.getMessage());
            }
        }
    }

    /** Median ms and count of the calls of {@code call} that fit in {@code seconds} of wall clock, at least 3. */
    private static double[] time(Runnable call, double seconds) {
        List<Double> ms = new ArrayList<>();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (ms.size() < 3 || System.nanoTime() < end) {
            long start = System.nanoTime();
            call.run();
            ms.add((System.nanoTime() - start) / 1e6);
        }
        return new double[] {Medians.of(ms.stream().mapToDouble(Double::doubleValue).toArray()), ms.size()};
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Row row(String cellName, RecurrentShape s, DType dtype, int threads) {
        if (threads < 1 || threads > Kernels.maxThreads()) {
            throw new IllegalArgumentException("threads " + threads + ": expected 1 to " + Kernels.maxThreads());
        }
        Random random = new Random(7);
        Cell cell = s.cell(cellName, random);
        cell.convertTo(dtype);
        R064Store[] xs = Inputs.sequence(s.steps(), s.batch(), s.input(), random);
        Tape tape = new Tape(Kernels.defaults().withGemm(Kernels.gemm(System.getProperty(Kernels.GEMM_PROPERTY), threads)), dtype);
        Cell<CellState> typed = cell;
        return new Row(() -> TapeRun.forwardBackward(tape, typed, xs));
    }
}
