package org.tapegrad.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link ActivationKernel}'s arithmetic loops a vector at a time for {@link VectorActivations}: per element the
 * operations of the interface's plain loops in their order (mul and add, never a fused multiply-add, which rounds
 * once where they round twice), so the same bits; the tail past the last whole vector is the plain loop. Each loop
 * is a method of its own (see {@link VectorActivations} on C2 and large methods). Reads of an element come before its
 * write within a vector, so an output run may be one of the inputs at the same offset, as the interface allows.
 */
final class VectorArithmetic {

    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private VectorArithmetic() {
    }

    static void productSum(double[] a, int ao, double[] b, int bo, double[] c, int co, double[] d, int dOff, double[] y, int yo, int n) {
        int bound = D.loopBound(n);
        int i = 0;
        for (; i < bound; i += D.length()) {
            DoubleVector.fromArray(D, a, ao + i).mul(DoubleVector.fromArray(D, b, bo + i))
                    .add(DoubleVector.fromArray(D, c, co + i).mul(DoubleVector.fromArray(D, d, dOff + i))).intoArray(y, yo + i);
        }
        for (; i < n; i++) {
            y[yo + i] = a[ao + i] * b[bo + i] + c[co + i] * d[dOff + i];
        }
    }

    static void multiply(double[] a, int ao, double[] b, int bo, double[] y, int yo, int n) {
        int bound = D.loopBound(n);
        int i = 0;
        for (; i < bound; i += D.length()) {
            DoubleVector.fromArray(D, a, ao + i).mul(DoubleVector.fromArray(D, b, bo + i)).intoArray(y, yo + i);
        }
        for (; i < n; i++) {
            y[yo + i] = a[ao + i] * b[bo + i];
        }
    }

    static void addProduct(double[] g, int go, double[] b, int bo, double[] t, int to, int n) {
        int bound = D.loopBound(n);
        int i = 0;
        for (; i < bound; i += D.length()) {
            DoubleVector.fromArray(D, t, to + i).add(DoubleVector.fromArray(D, g, go + i).mul(DoubleVector.fromArray(D, b, bo + i))).intoArray(t, to + i);
        }
        for (; i < n; i++) {
            t[to + i] += g[go + i] * b[bo + i];
        }
    }

    static void multiplyGradients(double[] g, int go, double[] a, int ao, double[] b, int bo, double[] ta, int tao, double[] tb, int tbo, int n) {
        int bound = D.loopBound(n);
        int i = 0;
        for (; i < bound; i += D.length()) {
            DoubleVector gi = DoubleVector.fromArray(D, g, go + i);
            DoubleVector.fromArray(D, ta, tao + i).add(gi.mul(DoubleVector.fromArray(D, b, bo + i))).intoArray(ta, tao + i);
            DoubleVector.fromArray(D, tb, tbo + i).add(gi.mul(DoubleVector.fromArray(D, a, ao + i))).intoArray(tb, tbo + i);
        }
        for (; i < n; i++) {
            double gi = g[go + i];
            ta[tao + i] += gi * b[bo + i];
            tb[tbo + i] += gi * a[ao + i];
        }
    }

    static void sigmoidGradient(double[] g, int go, double[] s, int so, double[] dx, int dxo, int n) {
        int bound = D.loopBound(n);
        DoubleVector one = DoubleVector.broadcast(D, 1.0);
        int i = 0;
        for (; i < bound; i += D.length()) {
            DoubleVector si = DoubleVector.fromArray(D, s, so + i);
            DoubleVector.fromArray(D, g, go + i).mul(si).mul(one.sub(si)).intoArray(dx, dxo + i);
        }
        for (; i < n; i++) {
            double si = s[so + i];
            dx[dxo + i] = g[go + i] * si * (1.0 - si);
        }
    }

    static void addSigmoidGradient(double[] g, int go, double[] s, int so, double[] dx, int dxo, int n) {
        int bound = D.loopBound(n);
        DoubleVector one = DoubleVector.broadcast(D, 1.0);
        int i = 0;
        for (; i < bound; i += D.length()) {
            DoubleVector si = DoubleVector.fromArray(D, s, so + i);
            DoubleVector.fromArray(D, dx, dxo + i).add(DoubleVector.fromArray(D, g, go + i).mul(si).mul(one.sub(si))).intoArray(dx, dxo + i);
        }
        for (; i < n; i++) {
            double si = s[so + i];
            dx[dxo + i] += g[go + i] * si * (1.0 - si);
        }
    }

    static void tanhGradient(double[] g, int go, double[] t, int tOff, double[] dx, int dxo, int n) {
        int bound = D.loopBound(n);
        DoubleVector one = DoubleVector.broadcast(D, 1.0);
        int i = 0;
        for (; i < bound; i += D.length()) {
            DoubleVector ti = DoubleVector.fromArray(D, t, tOff + i);
            DoubleVector.fromArray(D, g, go + i).mul(one.sub(ti.mul(ti))).intoArray(dx, dxo + i);
        }
        for (; i < n; i++) {
            double ti = t[tOff + i];
            dx[dxo + i] = g[go + i] * (1.0 - ti * ti);
        }
    }

    static void addTanhGradient(double[] g, int go, double[] t, int tOff, double[] dx, int dxo, int n) {
        int bound = D.loopBound(n);
        DoubleVector one = DoubleVector.broadcast(D, 1.0);
        int i = 0;
        for (; i < bound; i += D.length()) {
            DoubleVector ti = DoubleVector.fromArray(D, t, tOff + i);
            DoubleVector.fromArray(D, dx, dxo + i).add(DoubleVector.fromArray(D, g, go + i).mul(one.sub(ti.mul(ti)))).intoArray(dx, dxo + i);
        }
        for (; i < n; i++) {
            double ti = t[tOff + i];
            dx[dxo + i] += g[go + i] * (1.0 - ti * ti);
        }
    }

    static void productSum(float[] a, int ao, float[] b, int bo, float[] c, int co, float[] d, int dOff, float[] y, int yo, int n) {
        int bound = F.loopBound(n);
        int i = 0;
        for (; i < bound; i += F.length()) {
            FloatVector.fromArray(F, a, ao + i).mul(FloatVector.fromArray(F, b, bo + i))
                    .add(FloatVector.fromArray(F, c, co + i).mul(FloatVector.fromArray(F, d, dOff + i))).intoArray(y, yo + i);
        }
        for (; i < n; i++) {
            y[yo + i] = a[ao + i] * b[bo + i] + c[co + i] * d[dOff + i];
        }
    }

    static void multiply(float[] a, int ao, float[] b, int bo, float[] y, int yo, int n) {
        int bound = F.loopBound(n);
        int i = 0;
        for (; i < bound; i += F.length()) {
            FloatVector.fromArray(F, a, ao + i).mul(FloatVector.fromArray(F, b, bo + i)).intoArray(y, yo + i);
        }
        for (; i < n; i++) {
            y[yo + i] = a[ao + i] * b[bo + i];
        }
    }

    static void addProduct(float[] g, int go, float[] b, int bo, float[] t, int to, int n) {
        int bound = F.loopBound(n);
        int i = 0;
        for (; i < bound; i += F.length()) {
            FloatVector.fromArray(F, t, to + i).add(FloatVector.fromArray(F, g, go + i).mul(FloatVector.fromArray(F, b, bo + i))).intoArray(t, to + i);
        }
        for (; i < n; i++) {
            t[to + i] += g[go + i] * b[bo + i];
        }
    }

    static void multiplyGradients(float[] g, int go, float[] a, int ao, float[] b, int bo, float[] ta, int tao, float[] tb, int tbo, int n) {
        int bound = F.loopBound(n);
        int i = 0;
        for (; i < bound; i += F.length()) {
            FloatVector gi = FloatVector.fromArray(F, g, go + i);
            FloatVector.fromArray(F, ta, tao + i).add(gi.mul(FloatVector.fromArray(F, b, bo + i))).intoArray(ta, tao + i);
            FloatVector.fromArray(F, tb, tbo + i).add(gi.mul(FloatVector.fromArray(F, a, ao + i))).intoArray(tb, tbo + i);
        }
        for (; i < n; i++) {
            float gi = g[go + i];
            ta[tao + i] += gi * b[bo + i];
            tb[tbo + i] += gi * a[ao + i];
        }
    }

    static void sigmoidGradient(float[] g, int go, float[] s, int so, float[] dx, int dxo, int n) {
        int bound = F.loopBound(n);
        FloatVector one = FloatVector.broadcast(F, 1f);
        int i = 0;
        for (; i < bound; i += F.length()) {
            FloatVector si = FloatVector.fromArray(F, s, so + i);
            FloatVector.fromArray(F, g, go + i).mul(si).mul(one.sub(si)).intoArray(dx, dxo + i);
        }
        for (; i < n; i++) {
            float si = s[so + i];
            dx[dxo + i] = g[go + i] * si * (1f - si);
        }
    }

    static void addSigmoidGradient(float[] g, int go, float[] s, int so, float[] dx, int dxo, int n) {
        int bound = F.loopBound(n);
        FloatVector one = FloatVector.broadcast(F, 1f);
        int i = 0;
        for (; i < bound; i += F.length()) {
            FloatVector si = FloatVector.fromArray(F, s, so + i);
            FloatVector.fromArray(F, dx, dxo + i).add(FloatVector.fromArray(F, g, go + i).mul(si).mul(one.sub(si))).intoArray(dx, dxo + i);
        }
        for (; i < n; i++) {
            float si = s[so + i];
            dx[dxo + i] += g[go + i] * si * (1f - si);
        }
    }

    static void tanhGradient(float[] g, int go, float[] t, int tOff, float[] dx, int dxo, int n) {
        int bound = F.loopBound(n);
        FloatVector one = FloatVector.broadcast(F, 1f);
        int i = 0;
        for (; i < bound; i += F.length()) {
            FloatVector ti = FloatVector.fromArray(F, t, tOff + i);
            FloatVector.fromArray(F, g, go + i).mul(one.sub(ti.mul(ti))).intoArray(dx, dxo + i);
        }
        for (; i < n; i++) {
            float ti = t[tOff + i];
            dx[dxo + i] = g[go + i] * (1f - ti * ti);
        }
    }

    static void addTanhGradient(float[] g, int go, float[] t, int tOff, float[] dx, int dxo, int n) {
        int bound = F.loopBound(n);
        FloatVector one = FloatVector.broadcast(F, 1f);
        int i = 0;
        for (; i < bound; i += F.length()) {
            FloatVector ti = FloatVector.fromArray(F, t, tOff + i);
            FloatVector.fromArray(F, dx, dxo + i).add(FloatVector.fromArray(F, g, go + i).mul(one.sub(ti.mul(ti)))).intoArray(dx, dxo + i);
        }
        for (; i < n; i++) {
            float ti = t[tOff + i];
            dx[dxo + i] += g[go + i] * (1f - ti * ti);
        }
    }

    /**
     * {@code y(i, j) += b(j)}: a column's rows a vector at a time; with one row (a batch of one) the columns a vector at
     * a time instead, which is the same element-wise addition.
     */
    static void addToEveryRow(double[] b, double[] y, int m, int from, int to) {
        if (m == 1) {
            int bound = from + D.loopBound(to - from);
            int j = from;
            for (; j < bound; j += D.length()) {
                DoubleVector.fromArray(D, y, j).add(DoubleVector.fromArray(D, b, j)).intoArray(y, j);
            }
            for (; j < to; j++) {
                y[j] += b[j];
            }
            return;
        }
        int bound = D.loopBound(m);
        for (int j = from; j < to; j++) {
            double bj = b[j];
            DoubleVector bv = DoubleVector.broadcast(D, bj);
            int o = j * m;
            int i = 0;
            for (; i < bound; i += D.length()) {
                DoubleVector.fromArray(D, y, o + i).add(bv).intoArray(y, o + i);
            }
            for (; i < m; i++) {
                y[o + i] += bj;
            }
        }
    }

    static void addToEveryRow(float[] b, float[] y, int m, int from, int to) {
        if (m == 1) {
            int bound = from + F.loopBound(to - from);
            int j = from;
            for (; j < bound; j += F.length()) {
                FloatVector.fromArray(F, y, j).add(FloatVector.fromArray(F, b, j)).intoArray(y, j);
            }
            for (; j < to; j++) {
                y[j] += b[j];
            }
            return;
        }
        int bound = F.loopBound(m);
        for (int j = from; j < to; j++) {
            float bj = b[j];
            FloatVector bv = FloatVector.broadcast(F, bj);
            int o = j * m;
            int i = 0;
            for (; i < bound; i += F.length()) {
                FloatVector.fromArray(F, y, o + i).add(bv).intoArray(y, o + i);
            }
            for (; i < m; i++) {
                y[o + i] += bj;
            }
        }
    }

    /**
     * {@code db(j) += Σ_i g(i, j)}, each column's sum from zero over i in order as in the definition: four columns side
     * by side, so that four chains of dependent additions overlap instead of one waiting on the last (a vector would
     * reorder a column's sum).
     */
    static void addColumnSums(double[] g, double[] db, int m, int from, int to) {
        int j = from;
        for (; j + 4 <= to; j += 4) {
            double s0 = 0;
            double s1 = 0;
            double s2 = 0;
            double s3 = 0;
            int o = j * m;
            for (int i = 0; i < m; i++) {
                s0 += g[o + i];
                s1 += g[o + m + i];
                s2 += g[o + 2 * m + i];
                s3 += g[o + 3 * m + i];
            }
            db[j] += s0;
            db[j + 1] += s1;
            db[j + 2] += s2;
            db[j + 3] += s3;
        }
        for (; j < to; j++) {
            double s = 0;
            int o = j * m;
            for (int i = 0; i < m; i++) {
                s += g[o + i];
            }
            db[j] += s;
        }
    }

    /** The float32 form, each column summed in double and rounded to float once, as in the definition. */
    static void addColumnSums(float[] g, float[] db, int m, int from, int to) {
        int j = from;
        for (; j + 4 <= to; j += 4) {
            double s0 = 0;
            double s1 = 0;
            double s2 = 0;
            double s3 = 0;
            int o = j * m;
            for (int i = 0; i < m; i++) {
                s0 += g[o + i];
                s1 += g[o + m + i];
                s2 += g[o + 2 * m + i];
                s3 += g[o + 3 * m + i];
            }
            db[j] += (float) s0;
            db[j + 1] += (float) s1;
            db[j + 2] += (float) s2;
            db[j + 3] += (float) s3;
        }
        for (; j < to; j++) {
            double s = 0;
            int o = j * m;
            for (int i = 0; i < m; i++) {
                s += g[o + i];
            }
            db[j] += (float) s;
        }
    }
}
