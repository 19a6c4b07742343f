package org.tapegrad.kernel;

import java.util.Objects;

/**
 * Element-wise exp, tanh and sigmoid over a run of an array: {@code y[yOff + i] = f(x[xOff + i])} for
 * {@code i < n}. {@code x} and {@code y} may be the same array at the same offset. Also the one in-place pass the
 * tape runs over gradients, {@link #flushTiny(double[], int, int, double) flushTiny}, and the few arithmetic loops
 * that forward and backward passes of element-wise steps run on every step ({@link #productSum productSum},
 * {@link #multiply multiply} and the gradients {@link #addProduct addProduct}, {@link #multiplyGradients
 * multiplyGradients}, {@link #sigmoidGradient sigmoidGradient}, {@link #tanhGradient tanhGradient}; a bias row
 * {@link #addToEveryRow addToEveryRow} and its VJP {@link #addColumnSums addColumnSums}): written once
 * here as plain loops (the definition), which a built-in kernel runs a vector at a time with the same operations in
 * the same order, so the same bits (JDK 17's C2 does not vectorize a loop that stores into one array and reads
 * another that might be the same object).
 *
 * <p>For the arithmetic loops an output run may be one of the input runs (the same array at the same offset), and
 * otherwise must not overlap any of them; where two outputs are named they are the same run or disjoint.
 *
 * <p>The float overloads default to the double formulas of {@link IeeeExp} rounded once to float: correctly
 * rounded in all but rare ties, and the same bits on every JVM; built-in kernels may override them with faster
 * float code that must give exactly these bits. The arithmetic loops in float are float arithmetic.
 */
public interface ActivationKernel {

    String name();

    void exp(double[] x, int xOff, double[] y, int yOff, int n);

    /** tanh with exact limits at ±∞ and full relative precision near 0. */
    void tanh(double[] x, int xOff, double[] y, int yOff, int n);

    /** {@code 1/(1+e^{−x})}, never overflowing. */
    void sigmoid(double[] x, int xOff, double[] y, int yOff, int n);

    /** {@code y = e^x} in float32. */
    default void exp(float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = (float) IeeeExp.exp(x[xOff + i]);
        }
    }

    /** {@code y = tanh x} in float32. */
    default void tanh(float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = (float) IeeeExp.tanh(x[xOff + i]);
        }
    }

    /** {@code y = 1/(1+e^{−x})} in float32. */
    default void sigmoid(float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = (float) IeeeExp.sigmoid(x[xOff + i]);
        }
    }

    /**
     * {@code x ← 0 < |x| < threshold ? ±0 : x} over {@code data[from, to)}, the zero of x's sign: with a threshold of
     * {@code MIN_NORMAL} this is a CPU's flush-to-zero mode, which Java cannot set, and a larger one also clears the
     * tiny normal numbers whose products would be subnormal (subnormal arithmetic takes a microcode assist on many
     * CPUs). The gradient pass runs it with {@code Tape.TINY_GRADIENT_F64}.
     *
     * <p>Zeros, magnitudes of at least {@code threshold}, ±∞ and NaN are left as they are. Decided on the bits (an
     * integer comparison of magnitudes, {@link TinyValues}), so no subnormal passes through a floating-point unit
     * here. Built-in kernels may override this with faster code that must give exactly these bits.
     *
     * @throws IllegalArgumentException unless {@code threshold} is a positive normal number
     *     ({@code Double.MIN_NORMAL ≤ threshold ≤ Double.MAX_VALUE}): a subnormal one would leave subnormals in place
     */
    default void flushTiny(double[] data, int from, int to, double threshold) {
        Objects.checkFromToIndex(from, to, data.length);
        long thresholdBits = TinyValues.thresholdBits(threshold);
        for (int i = from; i < to; i++) {
            data[i] = TinyValues.flush(data[i], thresholdBits);
        }
    }

    /**
     * {@code x ← 0 < |x| < threshold ? ±0 : x} in float32, as {@link #flushTiny(double[], int, int, double)}; the
     * gradient pass runs it with {@code Tape.TINY_GRADIENT_F32}.
     *
     * @throws IllegalArgumentException unless {@code Float.MIN_NORMAL ≤ threshold ≤ Float.MAX_VALUE}
     */
    default void flushTiny(float[] data, int from, int to, float threshold) {
        Objects.checkFromToIndex(from, to, data.length);
        int thresholdBits = TinyValues.thresholdBits(threshold);
        for (int i = from; i < to; i++) {
            data[i] = TinyValues.flush(data[i], thresholdBits);
        }
    }
    /** {@code y = a⊙b + c⊙d}: {@code y[i] = a[i]·b[i] + c[i]·d[i]}, each product rounded, then the sum. */
    default void productSum(double[] a, int aOff, double[] b, int bOff, double[] c, int cOff, double[] d, int dOff,
            double[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = a[aOff + i] * b[bOff + i] + c[cOff + i] * d[dOff + i];
        }
    }

    /** {@code y = a⊙b}. */
    default void multiply(double[] a, int aOff, double[] b, int bOff, double[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = a[aOff + i] * b[bOff + i];
        }
    }

    /** {@code t += g⊙b}: the VJP of one factor of a product. */
    default void addProduct(double[] g, int gOff, double[] b, int bOff, double[] t, int tOff, int n) {
        for (int i = 0; i < n; i++) {
            t[tOff + i] += g[gOff + i] * b[bOff + i];
        }
    }

    /**
     * Both VJPs of {@code y = a⊙b} in one pass: {@code ta += g⊙b}, then {@code tb += g⊙a}, element by element (when
     * {@code ta} and {@code tb} are the same run, each element gets {@code g·b} first).
     */
    default void multiplyGradients(double[] g, int gOff, double[] a, int aOff, double[] b, int bOff,
            double[] ta, int taOff, double[] tb, int tbOff, int n) {
        for (int i = 0; i < n; i++) {
            double gi = g[gOff + i];
            ta[taOff + i] += gi * b[bOff + i];
            tb[tbOff + i] += gi * a[aOff + i];
        }
    }

    /**
     * The VJP of {@code s = σ(x)} from its output: {@code dx (+)= g·s·(1 − s)}, evaluated left to right; added to
     * {@code dx} when {@code accumulate}, else written over it ({@code dx} may then be {@code g}).
     */
    default void sigmoidGradient(double[] g, int gOff, double[] s, int sOff, double[] dx, int dxOff, int n, boolean accumulate) {
        for (int i = 0; i < n; i++) {
            double si = s[sOff + i];
            double v = g[gOff + i] * si * (1.0 - si);
            dx[dxOff + i] = accumulate ? dx[dxOff + i] + v : v;
        }
    }

    /** The VJP of {@code t = tanh x} from its output: {@code dx (+)= g·(1 − t·t)}, as {@link #sigmoidGradient}. */
    default void tanhGradient(double[] g, int gOff, double[] t, int tOff, double[] dx, int dxOff, int n, boolean accumulate) {
        for (int i = 0; i < n; i++) {
            double ti = t[tOff + i];
            double v = g[gOff + i] * (1.0 - ti * ti);
            dx[dxOff + i] = accumulate ? dx[dxOff + i] + v : v;
        }
    }

    /**
     * {@code y(i, j) += b(j)} for the columns {@code from ≤ j < to} of the column-major {@code m}-row {@code y}: the
     * row {@code b} added to every row (a bias over the batch). {@code b} and {@code y} do not overlap.
     */
    default void addToEveryRow(double[] b, double[] y, int m, int from, int to) {
        for (int j = from; j < to; j++) {
            double bj = b[j];
            int o = j * m;
            for (int i = 0; i < m; i++) {
                y[o + i] += bj;
            }
        }
    }

    /**
     * {@code db(j) += Σ_i g(i, j)} for the columns {@code from ≤ j < to} of the column-major {@code m}-row {@code g}:
     * the VJP of {@link #addToEveryRow(double[], double[], int, int, int)}; each column summed from zero over i in
     * order, then added. {@code g} and {@code db} do not overlap.
     */
    default void addColumnSums(double[] g, double[] db, int m, int from, int to) {
        for (int j = from; j < to; j++) {
            double s = 0;
            int o = j * m;
            for (int i = 0; i < m; i++) {
                s += g[o + i];
            }
            db[j] += s;
        }
    }

    /** {@link #productSum(double[], int, double[], int, double[], int, double[], int, double[], int, int)} in float32. */
    default void productSum(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, float[] d, int dOff,
            float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = a[aOff + i] * b[bOff + i] + c[cOff + i] * d[dOff + i];
        }
    }

    /** {@code y = a⊙b} in float32. */
    default void multiply(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = a[aOff + i] * b[bOff + i];
        }
    }

    /** {@code t += g⊙b} in float32. */
    default void addProduct(float[] g, int gOff, float[] b, int bOff, float[] t, int tOff, int n) {
        for (int i = 0; i < n; i++) {
            t[tOff + i] += g[gOff + i] * b[bOff + i];
        }
    }

    /** {@link #multiplyGradients(double[], int, double[], int, double[], int, double[], int, double[], int, int)} in float32. */
    default void multiplyGradients(float[] g, int gOff, float[] a, int aOff, float[] b, int bOff,
            float[] ta, int taOff, float[] tb, int tbOff, int n) {
        for (int i = 0; i < n; i++) {
            float gi = g[gOff + i];
            ta[taOff + i] += gi * b[bOff + i];
            tb[tbOff + i] += gi * a[aOff + i];
        }
    }

    /** {@code dx (+)= g·s·(1 − s)} in float32. */
    default void sigmoidGradient(float[] g, int gOff, float[] s, int sOff, float[] dx, int dxOff, int n, boolean accumulate) {
        for (int i = 0; i < n; i++) {
            float si = s[sOff + i];
            float v = g[gOff + i] * si * (1f - si);
            dx[dxOff + i] = accumulate ? dx[dxOff + i] + v : v;
        }
    }

    /** {@code dx (+)= g·(1 − t·t)} in float32. */
    default void tanhGradient(float[] g, int gOff, float[] t, int tOff, float[] dx, int dxOff, int n, boolean accumulate) {
        for (int i = 0; i < n; i++) {
            float ti = t[tOff + i];
            float v = g[gOff + i] * (1f - ti * ti);
            dx[dxOff + i] = accumulate ? dx[dxOff + i] + v : v;
        }
    }

    /** {@link #addToEveryRow(double[], double[], int, int, int)} in float32. */
    default void addToEveryRow(float[] b, float[] y, int m, int from, int to) {
        for (int j = from; j < to; j++) {
            float bj = b[j];
            int o = j * m;
            for (int i = 0; i < m; i++) {
                y[o + i] += bj;
            }
        }
    }

    /**
     * {@link #addColumnSums(double[], double[], int, int, int)} in float32, each column summed in double (the sum
     * runs over the batch, where float would lose digits), rounded to float once and added.
     */
    default void addColumnSums(float[] g, float[] db, int m, int from, int to) {
        for (int j = from; j < to; j++) {
            double s = 0;
            int o = j * m;
            for (int i = 0; i < m; i++) {
                s += g[o + i];
            }
            db[j] += (float) s;
        }
    }
}
