package org.tapegrad.examples.io;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Arrays;

import javax.imageio.ImageIO;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A line chart saved as a PNG a person can read: labelled axes, a legend outside the plot so it never hides a curve,
 * and optionally a logarithmic y axis where the theory predicts geometric (exponential) behaviour, which then shows
 * as a straight line.
 *
 * <p>The log axis is drawn as {@code log₁₀ y} on a linear axis with tick labels written as powers of ten: XChart's own
 * logarithmic axis labels every decade, which is unreadable over the hundred decades a vanishing gradient spans.
 * Ticks, grid lines and labels of both axes are chosen by {@link AxisTicks} and drawn by {@link TickPainter}.
 */
public final class LineChart {

    /** Okabe–Ito colours (distinguishable with the common colour-vision deficiencies), then black and greys. */
    private static final Color[] PALETTE = {
        new Color(0, 114, 178), new Color(213, 94, 0), new Color(0, 158, 115), new Color(204, 121, 167),
        new Color(230, 159, 0), new Color(86, 180, 233), new Color(0, 0, 0), new Color(120, 120, 120),
        new Color(150, 60, 20), new Color(100, 60, 160), new Color(190, 190, 0),
    };

    static {
        // Rendering to PNG needs no display; without this a server JVM may try to reach one.
        System.setProperty("java.awt.headless", "true");
    }

    private final XYChart chart;
    private final boolean logY;
    private XYSeries last;
    private double xMin = Double.POSITIVE_INFINITY;
    private double xMax = Double.NEGATIVE_INFINITY;
    private double yMin = Double.POSITIVE_INFINITY;
    private double yMax = Double.NEGATIVE_INFINITY;
    private boolean fixedX;

    /** A 900×560 chart; {@code logY} plots y on a logarithmic scale. */
    public LineChart(String title, String xLabel, String yLabel, boolean logY) {
        this.logY = logY;
        this.chart = new XYChartBuilder().width(900).height(560).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        var st = chart.getStyler();
        st.setLegendPosition(Styler.LegendPosition.OutsideE);
        st.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        st.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        st.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        st.setMarkerSize(0);
        st.setSeriesColors(PALETTE);
        // TickPainter draws ticks, grid and labels; XChart's own labels stay (transparent) only to reserve their room.
        st.setAxisTickLabelsFont(TickPainter.FONT);
        st.setAxisTickLabelsColor(new Color(0, 0, 0, 0));
        st.setAxisTicksMarksVisible(false);
        st.setPlotGridLinesVisible(false);
        st.setChartBackgroundColor(new Color(0, 0, 0, 0));
        st.setPlotBackgroundColor(new Color(0, 0, 0, 0));
        st.setPlotContentSize(1.0);
        st.setXAxisDecimalPattern("#,##0.##");
        if (logY) {
            chart.setCustomYAxisTickLabelsFormatter(AxisTicks::powerOfTen);
        } else {
            st.setYAxisDecimalPattern("#,##0.###");
        }
    }

    /**
     * Adds a solid line. On a log axis, points with {@code y ≤ 0} or non-finite y are dropped (a gradient that
     * underflowed to 0 simply ends its curve).
     */
    public LineChart line(String name, double[] x, double[] y) {
        add(name, x, y, 1);
        return this;
    }

    /** Adds a dashed line (a bound or a baseline next to measured curves). */
    public LineChart dashed(String name, double[] x, double[] y) {
        // XChart strokes each segment separately, so a dash pattern restarts at every point: thin the points out
        // until the segments are long enough for the dashes to show.
        int stride = Math.max(1, x.length / 12);
        XYSeries s = add(name, x, y, stride);
        s.setLineStyle(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {9f, 6f}, 0f));
        return this;
    }

    /** Gives the line added last the colour {@code index} of the palette (to pair a bound with its curve). */
    public LineChart colour(int index) {
        last.setLineColor(PALETTE[index % PALETTE.length]);
        return this;
    }

    /** Fixes the x range instead of the data's own range. */
    public LineChart xRange(double min, double max) {
        if (!(min < max)) {
            throw new IllegalArgumentException("x range must have min < max, got [" + min + ", " + max + "]");
        }
        xMin = min;
        xMax = max;
        fixedX = true;
        return this;
    }

    /** The underlying XChart chart, for anything this class does not cover. */
    public XYChart xchart() {
        return chart;
    }

    /** Writes the chart as PNG, atomically. */
    public Path savePng(Path target) {
        if (last == null) {
            throw new IllegalStateException("chart '" + chart.getTitle() + "' has no series to draw");
        }
        TickPainter.Ranges r = ranges();
        var st = chart.getStyler();
        st.setXAxisMin(r.xMin());
        st.setXAxisMax(r.xMax());
        st.setYAxisMin(r.yMin());
        st.setYAxisMax(r.yMax());
        BufferedImage image = TickPainter.render(chart, r);
        return AtomicFiles.write(target, out -> ImageIO.write(image, "png", out));
    }

    /** The data ranges with a margin (2 % of the span on x, 4 % on y) so no curve runs along the plot border. */
    private TickPainter.Ranges ranges() {
        double xPad = fixedX ? 0 : 0.02 * Math.max(xMax - xMin, 1e-12);
        double ySpan = yMax - yMin;
        double yPad = ySpan > 0 ? 0.04 * ySpan : Math.max(Math.abs(yMax) * 0.1, 0.5);
        return new TickPainter.Ranges(xMin - xPad, xMax + xPad, yMin - yPad, yMax + yPad, logY);
    }

    /** {@code 0, 1, …, n−1} as doubles. */
    public static double[] range(int n) {
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }

    private XYSeries add(String name, double[] x, double[] y, int stride) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("series '" + name + "': " + x.length + " x values but " + y.length + " y values");
        }
        double[] xs = new double[x.length];
        double[] ys = new double[y.length];
        int n = 0;
        for (int i = 0; i < x.length; i++) {
            boolean kept = i % stride == 0 || i == x.length - 1;
            if (kept && Double.isFinite(y[i]) && (!logY || y[i] > 0)) {
                xs[n] = x[i];
                ys[n] = logY ? Math.log10(y[i]) : y[i];
                if (!fixedX) {
                    xMin = Math.min(xMin, xs[n]);
                    xMax = Math.max(xMax, xs[n]);
                }
                yMin = Math.min(yMin, ys[n]);
                yMax = Math.max(yMax, ys[n]);
                n++;
            }
        }
        if (n == 0) {
            throw new IllegalArgumentException("series '" + name + "' has no point that can be drawn" + (logY ? " on a log scale" : ""));
        }
        XYSeries s = chart.addSeries(name, Arrays.copyOf(xs, n), Arrays.copyOf(ys, n));
        s.setMarker(SeriesMarkers.NONE);
        s.setLineWidth(2f);
        last = s;
        return s;
    }
}
