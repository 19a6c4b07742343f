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
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-18s %8s %10s %12s", "model", "‖W_h‖₂", "bound γ‖W‖", "rate/step"));
        for (int d : ds) {
            sb.append(String.format(Locale.ROOT, " %12s", "d=" + d));
        }
        sb.append('\n');
        for (FlowExperiment.Result r : results) {
            sb.append(String.format(Locale.ROOT, "%-18s %8s %10s %12.4f", r.model().name(), opt(r.spectralNorm()), opt(r.boundRate()), r.rate()));
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
        for (FlowExperiment.Result r : results) {
            if (r.model().bounded() && r.boundRate() < 1) {
                double[] b = new double[steps];
                for (int d = 0; d < steps; d++) {
                    b[d] = r.bound(d);
                }
                c.dashed("bound (" + String.format(Locale.ROOT, "%.2f", r.boundRate()) + ")^d for " + r.model().name(), x, b);
            }
        }
        return c.xRange(0, steps);
    }

    private static String opt(double v) {
        return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%.3f", v);
    }
}
