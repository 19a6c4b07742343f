package org.tapegrad.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a JMH CSV result ({@code -rf csv}) holding {@link GemmBenchmark} and {@link FmaPeakBenchmark} rows from one
 * run and prints every GEMM row in GFLOP/s and as a fraction of the one-core FMA peak of its dtype (a 2-thread row
 * can exceed 1). Both peaks must be in the file: fractions against a peak measured in another run would mix two
 * machine states.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar org.tapegrad.bench.GemmPeakReport gemm.csv
 * </pre>
 */
public final class GemmPeakReport {

    private GemmPeakReport() {
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: GemmPeakReport <JMH result .csv with GemmBenchmark and FmaPeakBenchmark rows>");
        }
        Path file = Path.of(args[0]);
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        System.out.print(report(file.toString(), lines));
    }

    /** The report of a JMH CSV's lines, as text; {@code source} names the file in errors. */
    static String report(String source, List<String> lines) {
        if (lines.isEmpty()) {
            throw new IllegalArgumentException(source + ": empty, expected a JMH CSV result (-rf csv)");
        }
        List<String> header = fields(lines.get(0));
        int benchmark = column(source, header, "Benchmark");
        int score = column(source, header, "Score");
        int unit = column(source, header, "Unit");
        int dtype = column(source, header, "Param: dtype");
        Map<String, Double> peak = new HashMap<>();
        List<List<String>> gemmRows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            List<String> row = fields(line);
            String name = row.get(benchmark);
            if (name.endsWith("FmaPeakBenchmark.fma")) {
                double seconds = seconds(source, row.get(score), row.get(unit));
                peak.put(row.get(dtype), FmaPeakBenchmark.flopsPerCall(row.get(dtype)) / seconds / 1e9);
            } else if (name.endsWith("GemmBenchmark.multiply")) {
                gemmRows.add(row);
            }
        }
        int shape = column(source, header, "Param: shape");
        int kernel = column(source, header, "Param: kernel");
        int threads = column(source, header, "Param: threads");
        int prepacked = header.indexOf("Param: prepackedB");   // absent in files of runs before the parameter
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "FMA peak of one core: f64 %.1f GFLOP/s, f32 %.1f GFLOP/s%n",
                peak.getOrDefault("f64", Double.NaN), peak.getOrDefault("f32", Double.NaN)));
        out.append("| shape | kernel | threads | dtype | GFLOP/s | fraction of the dtype's 1-core FMA peak |\n");
        out.append("|---|---|---|---|---|---|\n");
        for (List<String> row : gemmRows) {
            String d = row.get(dtype);
            Double p = peak.get(d);
            if (p == null) {
                throw new IllegalArgumentException(source + ": no FmaPeakBenchmark row for dtype " + d + "; run FmaPeakBenchmark in the same run");
            }
            double gflops = flops(source, row.get(shape)) / seconds(source, row.get(score), row.get(unit)) / 1e9;
            String label = row.get(shape) + (prepacked >= 0 && row.get(prepacked).equals("true") ? " (B packed once)" : "");
            out.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.1f | %.3f |%n", label, row.get(kernel),
                    row.get(threads), d, gflops, gflops / p));
        }
        return out.toString();
    }

    /** {@code 2·m·n·k} of a {@link GemmBenchmark#shape} such as {@code 32x192x512:AtB}. */
    static double flops(String source, String shape) {
        String[] dims = shape.split(":")[0].split("x");
        if (dims.length != 3) {
            throw new IllegalArgumentException(source + ": shape " + shape + ": expected MxKxN");
        }
        return 2.0 * Long.parseLong(dims[0]) * Long.parseLong(dims[1]) * Long.parseLong(dims[2]);
    }

    private static double seconds(String source, String score, String unit) {
        double s = Double.parseDouble(score);
        switch (unit) {
            case "s/op":
                return s;
            case "ms/op":
                return s * 1e-3;
            case "us/op":
                return s * 1e-6;
            case "ns/op":
                return s * 1e-9;
            default:
                throw new IllegalArgumentException(source + ": unit " + unit + ": expected a time per operation (-bm avgt)");
        }
    }

    private static int column(String source, List<String> header, String name) {
        int i = header.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException(source + ": no column \"" + name + "\" in the header " + header);
        }
        return i;
    }

    /** The fields of a CSV line: comma-separated, each optionally in double quotes (JMH quotes them all). */
    static List<String> fields(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (ch == '"') {
                quoted = !quoted;
            } else if (ch == ',' && !quoted) {
                out.add(field.toString());
                field.setLength(0);
            } else {
                field.append(ch);
            }
        }
        out.add(field.toString());
        return out;
    }
}
