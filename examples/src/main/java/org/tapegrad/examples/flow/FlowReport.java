package org.tapegrad.examples.flow;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.tapegrad.examples.io.LineChart;
import org.tapegrad.examples.io.CsvTable;

/** The table, CSV files and chart of {@code flow}. */
final class FlowReport {

    private FlowReport() {
    }

    /** Distances at which the table shows the ratio. */
    static int[] tableDistances(int steps) {
        return new int[] {Math.min(10, steps - 1), Math.min(50, steps - 1), steps - 1};
    }

    static String table(List<FlowExperiment.Result> results, int steps) {
        int[] ds = tableDistances(steps);
        int w = results.stream().mapToInt(r -> r.model().name().length()).max().orElse(5);
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-" + w + "s %8s %10s %10s", "model", "‖W_h‖₂", "γ‖W_h‖₂", "rate/step"));
        for (int d : ds) {
            sb.append(String.format(Locale.ROOT, " %12s", "d=" + d));
        }
        sb.append('\n');
        for (FlowExperiment.Result r : results) {
            sb.append(String.format(Locale.ROOT, "%-" + w + "s %8s %10s %10.4f", r.model().name(), opt(r.spectralNorm()), opt(r.boundRate()), r.rate()));
            for (int d : ds) {
                sb.append(String.format(Locale.ROOT, " %12.3e", r.curve()[d]));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    static CsvTable curves(List<FlowExperiment.Result> results, int steps) {
        List<String> header = new ArrayList<>();
        header.add("distance");
        for (FlowExperiment.Result r : results) {
            header.add(r.model().name());
        }
        CsvTable t = new CsvTable(header.toArray(String[]::new));
        for (int d = 0; d < steps; d++) {
            Object[] row = new Object[results.size() + 1];
            row[0] = d;
            for (int m = 0; m < results.size(); m++) {
                row[m + 1] = results.get(m).curve()[d];
            }
            t.add(row);
        }
        return t;
    }

    static CsvTable rates(List<FlowExperiment.Result> results, int steps) {
        CsvTable t = new CsvTable("model", "spectral_norm", "bound_rate", "measured_rate", "ratio_at_T-1");
        for (FlowExperiment.Result r : results) {
            t.add(r.model().name(), r.spectralNorm(), r.boundRate(), r.rate(), r.curve()[steps - 1]);
        }
        return t;
    }

    static LineChart chart(List<FlowExperiment.Result> results, int steps) {
        LineChart c = new LineChart("Gradient reaching step t from a loss at step T = " + steps, "distance T − t (steps)",
                "‖∂L/∂h_t‖ / ‖∂L/∂h_T‖ (log scale)", true);
        double[] x = LineChart.range(steps);
        for (FlowExperiment.Result r : results) {
            c.line(r.model().name(), x, r.curve());
        }
        for (int m = 0; m < results.size(); m++) {
            FlowExperiment.Result r = results.get(m);
            if (r.model().bounded() && r.boundRate() < 1) {
                double[] b = new double[steps];
                for (int d = 0; d < steps; d++) {
                    b[d] = r.bound(d);
                }
                c.dashed("bound (" + String.format(Locale.ROOT, "%.2f", r.boundRate()) + ")^d for " + r.model().name(), x, b).colour(m);
            }
        }
        return c.xRange(0, steps);
    }

    static String cellPathTable(double[] biases, List<LstmCellPath> paths, int steps) {
        int[] ds = tableDistances(steps);
        StringBuilder sb = new StringBuilder("LSTM cell path, ‖uᵀ∂C_T/∂C_t‖ measured vs Π f along the cell state:\n");
        sb.append(String.format(Locale.ROOT, "%-14s %-10s", "forget bias", "curve"));
        for (int d : ds) {
            sb.append(String.format(Locale.ROOT, " %12s", "d=" + d));
        }
        sb.append('\n');
        for (int i = 0; i < biases.length; i++) {
            for (int kind = 0; kind < 2; kind++) {
                double[] c = kind == 0 ? paths.get(i).forgetProduct() : paths.get(i).measured();
                sb.append(String.format(Locale.ROOT, "%-14s %-10s", kind == 0 ? String.valueOf(biases[i]) : "", kind == 0 ? "Π f" : "measured"));
                for (int d : ds) {
                    sb.append(String.format(Locale.ROOT, " %12.3e", c[d]));
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    static CsvTable cellPathCurves(double[] biases, List<LstmCellPath> paths, int steps) {
        List<String> header = new ArrayList<>();
        header.add("distance");
        for (double b : biases) {
            header.add("forget_product_bias_" + b);
            header.add("measured_dC_bias_" + b);
        }
        CsvTable t = new CsvTable(header.toArray(String[]::new));
        for (int d = 0; d < steps; d++) {
            Object[] row = new Object[1 + 2 * biases.length];
            row[0] = d;
            for (int i = 0; i < biases.length; i++) {
                row[1 + 2 * i] = paths.get(i).forgetProduct()[d];
                row[2 + 2 * i] = paths.get(i).measured()[d];
            }
            t.add(row);
        }
        return t;
    }

    static LineChart cellPathChart(double[] biases, List<LstmCellPath> paths, int steps) {
        LineChart c = new LineChart("LSTM: product of forget gates vs measured ‖∂C_T/∂C_t‖", "distance T − t (steps)",
                "norm relative to d = 0 (log scale)", true);
        double[] x = LineChart.range(steps);
        for (int i = 0; i < biases.length; i++) {
            c.line("measured ‖∂C_T/∂C_t‖, forget bias " + biases[i], x, paths.get(i).measured());
        }
        for (int i = 0; i < biases.length; i++) {
            c.dashed("Π f along the cell path, forget bias " + biases[i], x, paths.get(i).forgetProduct()).colour(i);
        }
        return c.xRange(0, steps);
    }

    private static String opt(double v) {
        return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%.3f", v);
    }
}
