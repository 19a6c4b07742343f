package org.tapegrad.layers.diag;

import java.util.Random;

import org.ojalgo.matrix.store.MatrixStore;

/** Plain-loop dense algebra for the expected values of the diagnostics tests (independent of the tape). */
final class Dense {

    private Dense() {
    }

    static double[][] multiply(double[][] a, double[][] b) {
        double[][] c = new double[a.length][b[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int k = 0; k < b.length; k++) {
                for (int j = 0; j < b[0].length; j++) {
                    c[i][j] += a[i][k] * b[k][j];
                }
            }
        }
        return c;
    }

    static double[][] identity(int n) {
        double[][] e = new double[n][n];
        for (int i = 0; i < n; i++) {
            e[i][i] = 1;
        }
        return e;
    }

    static double[][] transpose(double[][] a) {
        double[][] t = new double[a[0].length][a.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                t[j][i] = a[i][j];
            }
        }
        return t;
    }

    static double[][] power(double[][] w, int k) {
        double[][] p = identity(w.length);
        for (int i = 0; i < k; i++) {
            p = multiply(p, w);
        }
        return p;
    }

    static double[][] gaussian(int rows, int cols, double scale, Random random) {
        double[][] a = new double[rows][cols];
        for (double[] row : a) {
            for (int j = 0; j < cols; j++) {
                row[j] = scale * random.nextGaussian();
            }
        }
        return a;
    }

    static double frobenius(double[][] a) {
        double s = 0;
        for (double[] row : a) {
            for (double v : row) {
                s += v * v;
            }
        }
        return Math.sqrt(s);
    }

    static double[][] of(MatrixStore<Double> m) {
        double[][] a = new double[(int) m.countRows()][(int) m.countColumns()];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                a[i][j] = m.doubleValue(i, j);
            }
        }
        return a;
    }

    static void assertClose(double[][] expected, MatrixStore<Double> actual, double tolerance, String what) {
        org.junit.jupiter.api.Assertions.assertEquals(expected.length, actual.countRows(), what + ": rows");
        org.junit.jupiter.api.Assertions.assertEquals(expected[0].length, actual.countColumns(), what + ": columns");
        for (int i = 0; i < expected.length; i++) {
            for (int j = 0; j < expected[0].length; j++) {
                double e = expected[i][j];
                org.junit.jupiter.api.Assertions.assertEquals(e, actual.doubleValue(i, j), tolerance * Math.max(1, Math.abs(e)), what + " (" + i + ", " + j + ")");
            }
        }
    }

    /** ‖A‖₂ by power iteration on AᵀA: the square root of the Rayleigh quotient after {@code iterations} steps. */
    static double powerIteration(double[][] a, int iterations, Random random) {
        double[][] ata = multiply(transpose(a), a);
        double[] v = new double[ata.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = random.nextGaussian();
        }
        double lambda = 0;
        for (int it = 0; it < iterations; it++) {
            double[] w = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                for (int j = 0; j < v.length; j++) {
                    w[i] += ata[i][j] * v[j];
                }
            }
            double n = 0;
            double rayleigh = 0;
            for (int i = 0; i < v.length; i++) {
                n += w[i] * w[i];
                rayleigh += v[i] * w[i];
            }
            double vv = 0;
            for (double x : v) {
                vv += x * x;
            }
            lambda = vv == 0 ? 0 : rayleigh / vv;
            if (n == 0) {
                return 0;
            }
            n = Math.sqrt(n);
            for (int i = 0; i < v.length; i++) {
                v[i] = w[i] / n;
            }
        }
        return Math.sqrt(Math.max(lambda, 0));
    }
}
