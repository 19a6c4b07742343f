package org.tapegrad.examples.io;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Line2D;
import java.awt.image.BufferedImage;

import org.knowm.xchart.XYChart;

/**
 * Renders an {@link XYChart} with grid lines, tick marks and tick labels at the positions {@link AxisTicks} chooses,
 * instead of XChart's: XChart either crowds labels at every tenth data point ("100110120…") or, on the log₁₀ axis of a
 * vanishing gradient, shows none.
 *
 * <p>The chart must have been set up with its own labels transparent, its own grid lines and tick marks hidden, a
 * transparent background and {@code plotContentSize = 1}, with explicit axis ranges: XChart then still reserves
 * room for labels, and the plot box is exactly the axis range, which a first rendering measures.
 */
final class TickPainter {

    static final Font FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private static final Color GRID = new Color(225, 225, 225);
    private static final Color TEXT = new Color(40, 40, 40);
    private static final int MARK = 4;
    private static final int GAP = 3;

    private TickPainter() {
    }

    /** Axis ranges in plotted units ({@code log₁₀ y} when {@code logY}). */
    record Ranges(double xMin, double xMax, double yMin, double yMax, boolean logY) {
    }

    static BufferedImage render(XYChart chart, Ranges r) {
        int w = chart.getWidth();
        int h = chart.getHeight();
        BufferedImage scratch = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        Graphics2D sg = scratch.createGraphics();
        chart.paint(sg, w, h);
        FontMetrics metrics = sg.getFontMetrics(FONT);
        sg.dispose();

        double left = chart.getScreenXFromChart(r.xMin());
        double right = chart.getScreenXFromChart(r.xMax());
        double top = chart.getScreenYFromChart(r.yMax());
        double bottom = chart.getScreenYFromChart(r.yMin());
        AxisTicks.Ticks xTicks = xTicks(r, right - left, metrics);
        AxisTicks.Ticks yTicks = yTicks(r, bottom - top, metrics);

        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setStroke(new BasicStroke(1f));
        g.setColor(GRID);
        for (double p : xTicks.positions()) {
            double x = chart.getScreenXFromChart(p);
            g.draw(new Line2D.Double(x, top, x, bottom));
        }
        for (double p : yTicks.positions()) {
            double y = chart.getScreenYFromChart(p);
            g.draw(new Line2D.Double(left, y, right, y));
        }
        chart.paint(g, w, h);

        g.setFont(FONT);
        g.setColor(TEXT);
        for (int i = 0; i < xTicks.size(); i++) {
            double x = chart.getScreenXFromChart(xTicks.positions()[i]);
            g.draw(new Line2D.Double(x, bottom, x, bottom + MARK));
            String label = xTicks.labels()[i];
            g.drawString(label, (float) (x - metrics.stringWidth(label) / 2.0), (float) (bottom + MARK + GAP + metrics.getAscent()));
        }
        for (int i = 0; i < yTicks.size(); i++) {
            double y = chart.getScreenYFromChart(yTicks.positions()[i]);
            g.draw(new Line2D.Double(left - MARK, y, left, y));
            String label = yTicks.labels()[i];
            g.drawString(label, (float) (left - MARK - GAP - metrics.stringWidth(label)), (float) (y + (metrics.getAscent() - metrics.getDescent()) / 2.0));
        }
        g.dispose();
        return image;
    }

    /** The most x ticks whose widest label still leaves a clear gap to its neighbours. */
    private static AxisTicks.Ticks xTicks(Ranges r, double pixels, FontMetrics metrics) {
        for (int n = Math.max(2, (int) (pixels / 30)); ; n--) {
            AxisTicks.Ticks t = AxisTicks.linear(r.xMin(), r.xMax(), n);
            int widest = 0;
            for (String label : t.labels()) {
                widest = Math.max(widest, metrics.stringWidth(label));
            }
            if (n <= 2 || t.size() < 2 || spacing(t, r.xMin(), r.xMax(), pixels) >= widest + 16) {
                return t;
            }
        }
    }

    /** Y ticks at least about two text lines apart. */
    private static AxisTicks.Ticks yTicks(Ranges r, double pixels, FontMetrics metrics) {
        int n = Math.max(2, (int) (pixels / (2.2 * metrics.getHeight())));
        return r.logY() ? AxisTicks.logarithmic(r.yMin(), r.yMax(), n) : AxisTicks.linear(r.yMin(), r.yMax(), n);
    }

    private static double spacing(AxisTicks.Ticks t, double min, double max, double pixels) {
        double[] p = t.positions();
        return (p[1] - p[0]) / (max - min) * pixels;
    }
}
