package org.tapegrad.examples.io;

import java.util.Locale;

/** Vectors and matrices as text with a fixed number of decimals, for printing results. */
public final class MatrixText {

    private MatrixText() {
    }

    /** {@code [0.65, 0.55, 0.71]}. */
    public static String vector(double[] v, int decimals) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(number(v[i], decimals));
        }
        return sb.append(']').toString();
    }

    /** One row per line, columns aligned, each line prefixed by {@code indent}. */
    public static String matrix(double[][] m, int decimals, String indent) {
        int width = 0;
        for (double[] row : m) {
            for (double x : row) {
                width = Math.max(width, number(x, decimals).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (double[] row : m) {
            sb.append(indent).append('[');
            for (int j = 0; j < row.length; j++) {
                if (j > 0) {
                    sb.append(", ");
                }
                String s = number(row[j], decimals);
                sb.append(" ".repeat(width - s.length())).append(s);
            }
            sb.append("]\n");
        }
        return sb.toString();
    }

    /** A number with {@code decimals} decimals in the C locale; {@code -0.00} is shown as {@code 0.00}. */
    public static String number(double x, int decimals) {
        String s = String.format(Locale.ROOT, "%." + decimals + "f", x);
        return s.matches("-0\\.?0*") ? s.substring(1) : s;
    }
}
