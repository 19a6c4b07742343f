package org.tapegrad.examples.io;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.nio.file.Path;
import java.util.List;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Line charts as PNG files a person can read: labelled axes, a legend outside the plot so it never hides a curve,
 * and a logarithmic y axis where the theory predicts geometric (exponential) behaviour, which then shows as a straight
 * line.
 */
public final class Charts {

    /** Colours that stay distinguishable in print and for the common colour-vision deficiencies (Okabe–Ito + grey). */
    private static final Color[] PALETTE = {
        new Color(0, 114, 178), new Color(213, 94, 0), new Color(0, 158, 115), new Color(204, 121, 167),
        new Color(230, 159, 0), new Color(86, 180, 233), new Color(0, 0, 0), new Color(240, 228, 66),
        new Color(120, 120, 120), new Color(150, 60, 20),
    };

    static {
        // Rendering to PNG needs no display; without this a server JVM may try to reach one.
        System.setProperty("java.awt.headless", "true");
    }

    private Charts() {
    }

    /** A line chart, 900×560 pixels, legend on the right outside the plot. */
    public static XYChart lines(String title, String xLabel, String yLabel, boolean logY) {
        XYChart chart = new XYChartBuilder().width(900).height(560).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        var st = chart.getStyler();
        st.setYAxisLogarithmic(logY);
        st.setLegendPosition(Styler.LegendPosition.OutsideE);
        st.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        st.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        st.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotGridLinesColor(new Color(225, 225, 225));
        st.setMarkerSize(0);
        st.setSeriesColors(PALETTE);
        st.setDecimalPattern("#,##0.###");
        if (logY) {
            st.setYAxisDecimalPattern("0.#E0");
        }
        return chart;
    }

    /**
     * Adds a line. Non-positive or non-finite y values are dropped on a log axis (they cannot be drawn there; a
     * gradient that underflowed to 0 simply ends its curve).
     */
    public static XYSeries addLine(XYChart chart, String name, double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("series '" + name + "': " + x.length + " x values but " + y.length + " y values");
        }
        boolean log = chart.getStyler().isYAxisLogarithmic();
        int n = 0;
        double[] xs = new double[x.length];
        double[] ys = new double[y.length];
        for (int i = 0; i < x.length; i++) {
            if (Double.isFinite(y[i]) && (!log || y[i] > 0)) {
                xs[n] = x[i];
                ys[n] = y[i];
                n++;
            }
        }
        if (n == 0) {
            // XChart rejects empty series; a single invisible point keeps the legend entry honest about the model.
            xs = new double[] {x.length == 0 ? 0 : x[0]};
            ys = new double[] {log ? Double.MIN_NORMAL : 0};
            n = 1;
        }
        XYSeries s = chart.addSeries(name, java.util.Arrays.copyOf(xs, n), java.util.Arrays.copyOf(ys, n));
        s.setMarker(SeriesMarkers.NONE);
        s.setLineWidth(2f);
        return s;
    }

    /** Adds a dashed line (a bound or a baseline next to the measured curves). */
    public static XYSeries addDashed(XYChart chart, String name, double[] x, double[] y) {
        XYSeries s = addLine(chart, name, x, y);
        s.setLineStyle(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 6f}, 0f));
        return s;
    }

    /** {@code 0, 1, …, n−1} as doubles, the usual x axis. */
    public static double[] range(int n) {
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }

    /** Same as {@link #range(int)} starting at 1. */
    public static double[] range1(int n) {
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            r[i] = i + 1;
        }
        return r;
    }

    /** Writes the chart as PNG, atomically. */
    public static Path savePng(XYChart chart, Path target) {
        return AtomicFiles.write(target, out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
    }

    /** Several charts side by side in one PNG. */
    public static Path savePng(List<XYChart> charts, int rows, int cols, Path target) {
        return AtomicFiles.write(target, out -> BitmapEncoder.saveBitmap(charts, rows, cols, out, BitmapEncoder.BitmapFormat.PNG));
    }
}
