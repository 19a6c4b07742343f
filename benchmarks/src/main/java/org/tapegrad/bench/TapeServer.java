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
        serve(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)),
                new PrintStream(System.out, true, StandardCharsets.UTF_8), WARM_UP_SECONDS);
    }

    /** One request line, checked: the row it names and the seconds of calls to time. */
    record Request(String cell, RecurrentShape shape, DType dtype, int threads, double seconds) {

        static Request parse(String line) {
            String[] f = line.strip().split("\\s+");
            if (f.length != 5) {
                throw new IllegalArgumentException("expected 'cell B_T_I_H dtype threads seconds', got '" + line.strip() + "'");
            }
            if (!RecurrentShape.CELLS.contains(f[0])) {
                throw new IllegalArgumentException("unknown cell '" + f[0] + "': expected " + String.join(", ", RecurrentShape.CELLS));
            }
            int threads = ToolArguments.atLeast("threads", f[3], 1);
            if (threads > Kernels.maxThreads()) {
                throw new IllegalArgumentException("threads=" + threads + ": expected 1 to " + Kernels.maxThreads() + " (this JVM's tapegrad.threads)");
            }
            return new Request(f[0], RecurrentShape.parse(f[1]), DType.parse(f[2]), threads, ToolArguments.seconds("seconds", f[4]));
        }

        /** The row's identity: requests for the same row share one warmed-up set-up. */
        String row() {
            return cell + " " + shape + " " + dtype + " " + threads;
        }
    }

    /**
     * Answers each request line of {@code in} on {@code out} until end of input; a row's first request first warms it
     * up for 3 times its seconds and at least {@code warmUpSeconds}. A bad request gets an {@code error} line and the
     * server goes on with the next.
     */
    static void serve(BufferedReader in, PrintStream out, double warmUpSeconds) throws IOException {
        Map<String, Row> rows = new HashMap<>();
        for (String line; (line = in.readLine()) != null; ) {
            if (line.isBlank()) {
                continue;
            }
            try {
                Request request = Request.parse(line);
                Row row = rows.get(request.row());
                if (row == null) {
                    row = row(request);
                    rows.put(request.row(), row);
                    time(row.call(), Math.max(3 * request.seconds(), warmUpSeconds));   // warm-up: C2 compiles the row's path
                }
                double[] result = time(row.call(), request.seconds());
                out.printf(Locale.ROOT, "ok %.4f %d%n", result[0], (int) result[1]);
            } catch (IllegalArgumentException e) {
                out.println("error " + e.getMessage());
            } catch (RuntimeException e) {
                // Not the request's fault: still one line, so that the driver reports it and goes on with other rows.
                out.println("error " + e.getClass().getSimpleName() + " while timing '" + line.strip() + "': " + e.getMessage());
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
    private static Row row(Request request) {
        RecurrentShape s = request.shape();
        Random random = new Random(7);
        Cell cell = s.cell(request.cell(), random);
        cell.convertTo(request.dtype());
        R064Store[] xs = Inputs.sequence(s.steps(), s.batch(), s.input(), random);
        Tape tape = new Tape(Kernels.defaults().withGemm(Kernels.gemm(System.getProperty(Kernels.GEMM_PROPERTY), request.threads())),
                request.dtype());
        Cell<CellState> typed = cell;
        return new Row(() -> TapeRun.forwardBackward(tape, typed, xs));
    }
}
