package org.tapegrad.kernel;

import java.util.Objects;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link IeeeExp}'s formulas a vector of lanes at a time, operation for operation, so that every lane, the scalar tail
 * and the {@code java} kernel give the same bits: results depend neither on the array's length or offset nor on the
 * vector width, nor on whether the code runs interpreted (the Vector API's Java fallback) or compiled (C2's
 * intrinsics). That rules out the JDK's vector {@code EXP}/{@code EXPM1}, which differ between the two: only
 * exactly specified operations are used (add, mul, div, fma and integer operations on the lanes' bits).
 *
 * <p>The array goes by chunks of {@link #CHUNK} elements. A chunk whose |x| are all in the common range
 * ({@code |x| ≤ 708} for exp and sigmoid, {@code ≤ 350} for tanh, no NaN) takes the vector formulas, where the clamps
 * and special cases do nothing and are left out; any other chunk goes through {@link IeeeExp} element by element.
 *
 * <p>How the code is cut is about C2, measured on JDK 17 (a run of each kernel in a fresh JVM, 15–30 runs):
 * <ul>
 * <li>each vector loop is a method of its own, with its constants broadcast before the loop and no helper methods:
 * past {@code NodeCountInliningCutoff} C2 stops inlining ordinary methods and delays the Vector API's, and a call
 * left out of line boxes the vectors it passes. tanh's or sigmoid's ~60 operations in one loop, or two loops in one
 * method, crossed it in a third of the runs, some vectors lost their exact type and the loop was boxed (5–20×
 * slower), so they are cut into two passes over a chunk that meet in a per-thread scratch array;</li>
 * <li>no pass is inlined into its caller: merged back into one compilation they fail the same way. A method of more
 * than {@code FreqInlineSize} (325) bytes of bytecode is not inlined however hot; exp's and tanh's passes are that
 * big (tanh's second with its argument checks), and sigmoid's second pass, smaller, is harmless inlined; the
 * two flush loops are kept above it by their argument checks and a two-fold unrolling ({@code FlushLoopSizeTest}):
 * inlined into the gradient pass beside each other, the float one ran boxed for a JVM's whole life;</li>
 * <li>the range check is a max of the magnitudes over the chunk in a loop of its own, as doubles (there is no 64-bit
 * integer max below AVX-512), and one reduction: a compare-and-branch per vector in the formula's loop cost more
 * (JDK 17 materializes masks) and stopped the loop's unrolling.</li>
 * </ul>
 *
 * <p>The arithmetic loops of element-wise steps are in {@link VectorArithmetic}.
 *
 * <p>The gradient pass's flush of tiny values is here too, in both element types: one small loop each, a compare
 * and a blend on the lanes' bits and an unconditional store, with no branch on whether a vector held a tiny value (a
 * compare-and-branch per vector costs more, as above).
 */
public final class VectorActivations implements ActivationKernel {

    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Long> L = S.withLanes(long.class);
    /** Float lanes, for the one float32 pass that does not widen to double ({@link #flushTiny(float[], int, int, float)}). */
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = F.withLanes(int.class);

    /** Elements per range check and per pass, a multiple of every vector length: input, output and scratch stay in L1 (best of 128, 256, 512). */
    private static final int CHUNK = 256;

    /**
     * The passes' scratch, two chunks' worth per thread. Allocated once: a fresh array per call cost tanh 25% in
     * about half the JVM runs, the garbage moving {@code x} and {@code y} about (and 4 KiB to zero each call).
     */
    private static final ThreadLocal<double[]> SCRATCH = ThreadLocal.withInitial(() -> new double[2 * CHUNK]);

    /** A chunk of float input widened to double, per thread (the float functions run the double passes on it). */
    private static final ThreadLocal<double[]> WIDE = ThreadLocal.withInitial(() -> new double[CHUNK]);

    @Override
    public String name() {
        return "vector";
    }

    /** {@code y = e^x}: {@link IeeeExp#exp} per lane, with one normal factor {@code 2^k} (the same bits there). */
    @Override
    public void exp(double[] x, int xOff, double[] y, int yOff, int n) {
        int bound = S.loopBound(n);
        for (int from = 0; from < bound; from += CHUNK) {
            int to = Math.min(from + CHUNK, bound);
            if (allAbsAtMost(x, xOff + from, xOff + to, IeeeExp.EXP_FAST_LIMIT)) {
                expVectors(x, xOff + from, y, yOff + from, to - from);
            } else {
                for (int i = from; i < to; i++) {
                    y[yOff + i] = IeeeExp.exp(x[xOff + i]);
                }
            }
        }
        for (int i = bound; i < n; i++) {
            y[yOff + i] = IeeeExp.exp(x[xOff + i]);
        }
    }

    /** {@code tanh x = sign(x)·(−m)/(2 + m)}, {@code m = e^{−2|x|} − 1}, double-double: {@link IeeeExp#tanh} per lane. */
    @Override
    public void tanh(double[] x, int xOff, double[] y, int yOff, int n) {
        int bound = S.loopBound(n);
        double[] scratch = SCRATCH.get();
        for (int from = 0; from < bound; from += CHUNK) {
            int to = Math.min(from + CHUNK, bound);
            if (allAbsAtMost(x, xOff + from, xOff + to, IeeeExp.TANH_MAX_ABS)) {
                tanhExpm1(x, xOff + from, y, yOff + from, scratch, to - from);
                tanhQuotient(y, yOff + from, scratch, to - from);
            } else {
                for (int i = from; i < to; i++) {
                    y[yOff + i] = IeeeExp.tanh(x[xOff + i]);
                }
            }
        }
        for (int i = bound; i < n; i++) {
            y[yOff + i] = IeeeExp.tanh(x[xOff + i]);
        }
    }

    /** {@code σ(x) = 1/(1 + e^{−x})}, double-double: {@link IeeeExp#sigmoid} per lane. */
    @Override
    public void sigmoid(double[] x, int xOff, double[] y, int yOff, int n) {
        int bound = S.loopBound(n);
        double[] scratch = SCRATCH.get();
        for (int from = 0; from < bound; from += CHUNK) {
            int to = Math.min(from + CHUNK, bound);
            if (allAbsAtMost(x, xOff + from, xOff + to, IeeeExp.SIGMOID_MAX_ABS)) {
                sigmoidExp(x, xOff + from, y, yOff + from, scratch, to - from);
                sigmoidQuotient(y, yOff + from, scratch, to - from);
            } else {
                for (int i = from; i < to; i++) {
                    y[yOff + i] = IeeeExp.sigmoid(x[xOff + i]);
                }
            }
        }
        for (int i = bound; i < n; i++) {
            y[yOff + i] = IeeeExp.sigmoid(x[xOff + i]);
        }
    }

    /**
     * {@code y = e^x} in float32: each chunk widened to double (exact), {@link #exp(double[], int, double[], int, int)}'s
     * vector passes, and rounded once to float, so exactly the bits of {@code (float) IeeeExp.exp(x)}, the
     * interface's default and {@link ScalarActivations}: correctly rounded but where e^x lies within about 2^−28 ulp
     * of a midpoint between two floats, subnormals, overflow and underflow included.
     */
    @Override
    public void exp(float[] x, int xOff, float[] y, int yOff, int n) {
        double[] wide = WIDE.get();
        for (int from = 0; from < n; from += CHUNK) {
            int len = Math.min(CHUNK, n - from);
            widen(x, xOff + from, wide, len);
            exp(wide, 0, wide, 0, len);
            narrow(wide, y, yOff + from, len);
        }
    }

    /** {@code y = tanh x} in float32, as {@link #exp(float[], int, float[], int, int)}: the double tanh rounded once. */
    @Override
    public void tanh(float[] x, int xOff, float[] y, int yOff, int n) {
        double[] wide = WIDE.get();
        for (int from = 0; from < n; from += CHUNK) {
            int len = Math.min(CHUNK, n - from);
            widen(x, xOff + from, wide, len);
            tanh(wide, 0, wide, 0, len);
            narrow(wide, y, yOff + from, len);
        }
    }

    /** {@code y = σ(x)} in float32, as {@link #exp(float[], int, float[], int, int)}: the double sigmoid rounded once. */
    @Override
    public void sigmoid(float[] x, int xOff, float[] y, int yOff, int n) {
        double[] wide = WIDE.get();
        for (int from = 0; from < n; from += CHUNK) {
            int len = Math.min(CHUNK, n - from);
            widen(x, xOff + from, wide, len);
            sigmoid(wide, 0, wide, 0, len);
            narrow(wide, y, yOff + from, len);
        }
    }

    /**
     * {@code x ← 0 < |x| < threshold ? ±0 : x}, a compare and a blend on each vector's bits: the bits of the
     * interface's element-by-element definition, with no branch, so a vector holding tiny values costs what one
     * without does.
     */
    @Override
    public void flushTiny(double[] data, int from, int to, double threshold) {
        Objects.checkFromToIndex(from, to, data.length);
        long thresholdBits = TinyValues.thresholdBits(threshold);
        int bound = from + S.loopBound(to - from);
        flushVectors(data, from, bound - from, thresholdBits);
        for (int i = bound; i < to; i++) {
            data[i] = TinyValues.flush(data[i], thresholdBits);
        }
    }

    /** {@code x ← 0 < |x| < threshold ? ±0 : x} on float lanes (nothing to widen: only bits are looked at). */
    @Override
    public void flushTiny(float[] data, int from, int to, float threshold) {
        Objects.checkFromToIndex(from, to, data.length);
        int thresholdBits = TinyValues.thresholdBits(threshold);
        int bound = from + F.loopBound(to - from);
        flushVectors(data, from, bound - from, thresholdBits);
        for (int i = bound; i < to; i++) {
            data[i] = TinyValues.flush(data[i], thresholdBits);
        }
    }

    @Override
    public void productSum(double[] a, int aOff, double[] b, int bOff, double[] c, int cOff, double[] d, int dOff, double[] y, int yOff, int n) {
        VectorArithmetic.productSum(a, aOff, b, bOff, c, cOff, d, dOff, y, yOff, n);
    }

    @Override
    public void multiply(double[] a, int aOff, double[] b, int bOff, double[] y, int yOff, int n) {
        VectorArithmetic.multiply(a, aOff, b, bOff, y, yOff, n);
    }

    @Override
    public void addProduct(double[] g, int gOff, double[] b, int bOff, double[] t, int tOff, int n) {
        VectorArithmetic.addProduct(g, gOff, b, bOff, t, tOff, n);
    }

    @Override
    public void multiplyGradients(double[] g, int gOff, double[] a, int aOff, double[] b, int bOff, double[] ta, int taOff, double[] tb, int tbOff, int n) {
        VectorArithmetic.multiplyGradients(g, gOff, a, aOff, b, bOff, ta, taOff, tb, tbOff, n);
    }

    @Override
    public void sigmoidGradient(double[] g, int gOff, double[] s, int sOff, double[] dx, int dxOff, int n, boolean accumulate) {
        if (accumulate) {
            VectorArithmetic.addSigmoidGradient(g, gOff, s, sOff, dx, dxOff, n);
        } else {
            VectorArithmetic.sigmoidGradient(g, gOff, s, sOff, dx, dxOff, n);
        }
    }

    @Override
    public void tanhGradient(double[] g, int gOff, double[] t, int tOff, double[] dx, int dxOff, int n, boolean accumulate) {
        if (accumulate) {
            VectorArithmetic.addTanhGradient(g, gOff, t, tOff, dx, dxOff, n);
        } else {
            VectorArithmetic.tanhGradient(g, gOff, t, tOff, dx, dxOff, n);
        }
    }

    @Override
    public void productSum(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, float[] d, int dOff, float[] y, int yOff, int n) {
        VectorArithmetic.productSum(a, aOff, b, bOff, c, cOff, d, dOff, y, yOff, n);
    }

    @Override
    public void multiply(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n) {
        VectorArithmetic.multiply(a, aOff, b, bOff, y, yOff, n);
    }

    @Override
    public void addProduct(float[] g, int gOff, float[] b, int bOff, float[] t, int tOff, int n) {
        VectorArithmetic.addProduct(g, gOff, b, bOff, t, tOff, n);
    }

    @Override
    public void multiplyGradients(float[] g, int gOff, float[] a, int aOff, float[] b, int bOff, float[] ta, int taOff, float[] tb, int tbOff, int n) {
        VectorArithmetic.multiplyGradients(g, gOff, a, aOff, b, bOff, ta, taOff, tb, tbOff, n);
    }

    @Override
    public void sigmoidGradient(float[] g, int gOff, float[] s, int sOff, float[] dx, int dxOff, int n, boolean accumulate) {
        if (accumulate) {
            VectorArithmetic.addSigmoidGradient(g, gOff, s, sOff, dx, dxOff, n);
        } else {
            VectorArithmetic.sigmoidGradient(g, gOff, s, sOff, dx, dxOff, n);
        }
    }

    @Override
    public void tanhGradient(float[] g, int gOff, float[] t, int tOff, float[] dx, int dxOff, int n, boolean accumulate) {
        if (accumulate) {
            VectorArithmetic.addTanhGradient(g, gOff, t, tOff, dx, dxOff, n);
        } else {
            VectorArithmetic.tanhGradient(g, gOff, t, tOff, dx, dxOff, n);
        }
    }

    @Override
    public void addToEveryRow(double[] b, double[] y, int m, int from, int to) {
        VectorArithmetic.addToEveryRow(b, y, m, from, to);
    }

    @Override
    public void addToEveryRow(float[] b, float[] y, int m, int from, int to) {
        VectorArithmetic.addToEveryRow(b, y, m, from, to);
    }

    @Override
    public void addColumnSums(double[] g, double[] db, int m, int from, int to) {
        VectorArithmetic.addColumnSums(g, db, m, from, to);
    }

    @Override
    public void addColumnSums(float[] g, float[] db, int m, int from, int to) {
        VectorArithmetic.addColumnSums(g, db, m, from, to);
    }

    /**
     * {@code wide[i] = x[xo + i]}, exact. The plain loop is not vectorized by C2 on JDK 17 (it is on 25), so each
     * vector of doubles is converted from the low half of a float vector loaded at its first element (part 0 of the
     * conversion, and the preferred shapes only: a conversion from 256-bit float vectors beside the 512-bit ones made
     * C2 box the float GEMM's tile write-back, and part 1 of a 512-bit one boxed too, {@code WarmStepAllocationTest}).
     * The loads overlap by half; the last elements, and those within a vector of the array's end, go one by one.
     * Float32 sigmoid 1.14 → 0.99–1.06 ns per element, tanh 1.47–1.53 → 1.31–1.36 (Zen 5, alternating JVMs).
     */
    private static void widen(float[] x, int xo, double[] wide, int len) {
        int v = S.length();
        // The last i whose v doubles lie within len and whose whole float vector, read from xo + i, within x.
        int last = Math.min(len - v, x.length - xo - F.length());
        int i = 0;
        for (; i <= last; i += v) {
            ((DoubleVector) FloatVector.fromArray(F, x, xo + i).convertShape(VectorOperators.F2D, S, 0)).intoArray(wide, i);
        }
        for (; i < len; i++) {
            wide[i] = x[xo + i];
        }
    }

    /**
     * {@code y[yo + i] = (float) wide[i]}, one rounding to nearest: the vector conversion ({@code vcvtpd2ps} under the
     * JVM's round-to-nearest, no flush to zero) and the cast agree. A vector of doubles narrows into the low half of a
     * float vector (zeros above), which is stored whole: the next store overwrites those zeros, and the last whole
     * store ends inside the range, whose tail the loop after it writes again.
     */
    private static void narrow(double[] wide, float[] y, int yo, int len) {
        int v = S.length();
        int i = 0;
        for (; i + 2 * v <= len; i += v) {
            ((FloatVector) DoubleVector.fromArray(S, wide, i).convertShape(VectorOperators.D2F, F, 0)).intoArray(y, yo + i);
        }
        for (; i < len; i++) {
            y[yo + i] = (float) wide[i];
        }
    }

    /**
     * Whether {@code |x[i]| ≤ limit} for {@code from ≤ i < to} (whole vectors); false if one is NaN. The largest
     * magnitude is kept as doubles ({@code max} and its reduction propagate a NaN). It was first the maximum of the
     * lanes' bits as longs, which has no instruction below AVX-512 (AVX2 has no 64-bit integer max): there C2 left
     * it to the Vector API's boxed Java fallback, about 64 bytes allocated per chunk, on AMD Zen 3 40 KB per LSTM
     * step at B = 64, H = 512 ({@code ActivationIntrinsicsTest}). A mask test ({@code compare(LE).allTrue()}) still
     * boxed there; the floating-point maximum and its reduction do not.
     */
    private static boolean allAbsAtMost(double[] x, int from, int to, double limit) {
        // Four running maxima, not one: a single one waits for its previous max at every vector (a chain of
        // dependent instructions as long as the chunk), where four proceed side by side. The maximum is exact, so
        // its order does not matter.
        int v = S.length();
        DoubleVector max0 = DoubleVector.zero(S), max1 = max0, max2 = max0, max3 = max0;
        int i = from;
        for (; i + 4 * v <= to; i += 4 * v) {
            max0 = max0.max(DoubleVector.fromArray(S, x, i).abs());
            max1 = max1.max(DoubleVector.fromArray(S, x, i + v).abs());
            max2 = max2.max(DoubleVector.fromArray(S, x, i + 2 * v).abs());
            max3 = max3.max(DoubleVector.fromArray(S, x, i + 3 * v).abs());
        }
        for (; i < to; i += v) {
            max0 = max0.max(DoubleVector.fromArray(S, x, i).abs());
        }
        return max0.max(max1).max(max2.max(max3)).reduceLanes(VectorOperators.MAX) <= limit;
    }

    /** {@code y[yo + i] = e^{x[xo + i]}} for {@code i < len}, all |x| ≤ 708: {@link IeeeExp#exp} with {@code s = 2^k}. */
    private static void expVectors(double[] x, int xo, double[] y, int yo, int len) {
        DoubleVector negLn2Hi = DoubleVector.broadcast(S, IeeeExp.NEG_LN2_HI);
        DoubleVector negLn2Lo = DoubleVector.broadcast(S, IeeeExp.NEG_LN2_LO);
        DoubleVector q0 = DoubleVector.broadcast(S, IeeeExp.Q0);
        DoubleVector q1 = DoubleVector.broadcast(S, IeeeExp.Q1);
        DoubleVector q2 = DoubleVector.broadcast(S, IeeeExp.Q2);
        DoubleVector q3 = DoubleVector.broadcast(S, IeeeExp.Q3);
        DoubleVector q4 = DoubleVector.broadcast(S, IeeeExp.Q4);
        DoubleVector q5 = DoubleVector.broadcast(S, IeeeExp.Q5);
        DoubleVector q6 = DoubleVector.broadcast(S, IeeeExp.Q6);
        DoubleVector q7 = DoubleVector.broadcast(S, IeeeExp.Q7);
        DoubleVector q8 = DoubleVector.broadcast(S, IeeeExp.Q8);
        DoubleVector q9 = DoubleVector.broadcast(S, IeeeExp.Q9);
        for (int i = 0; i < len; i += S.length()) {
            DoubleVector v = DoubleVector.fromArray(S, x, xo + i);
            DoubleVector t = v.fma(IeeeExp.INV_LN2, IeeeExp.SHIFTER);
            DoubleVector k = t.sub(IeeeExp.SHIFTER);
            DoubleVector rh = k.fma(negLn2Hi, v);
            DoubleVector r = k.fma(negLn2Lo, rh);
            DoubleVector rl = k.fma(negLn2Lo, rh.sub(r));
            DoubleVector q = q9.fma(r, q8).fma(r, q7).fma(r, q6).fma(r, q5).fma(r, q4).fma(r, q3).fma(r, q2).fma(r, q1).fma(r, q0);
            DoubleVector p = r.add(r.mul(q).fma(r, rl));
            DoubleVector s = t.viewAsIntegralLanes().add(IeeeExp.BIAS - IeeeExp.SHIFTER_BITS)
                    .lanewise(VectorOperators.LSHL, IeeeExp.EXPONENT_SHIFT).viewAsFloatingLanes();
            p.fma(s, s).intoArray(y, yo + i);
        }
    }

    /**
     * tanh's first pass, {@link IeeeExp#tanh} up to {@code e^{r + rl} − 1 = ph + pl}: ph into {@code y}, pl into
     * {@code scratch[i]}, and {@code t = SHIFTER + k} (positive) with x's sign bit into {@code scratch[len + i]},
     * so that the second pass needs nothing from {@code x}, which may be {@code y}.
     */
    private static void tanhExpm1(double[] x, int xo, double[] y, int yo, double[] scratch, int len) {
        DoubleVector negLn2Hi = DoubleVector.broadcast(S, IeeeExp.NEG_LN2_HI);
        DoubleVector negLn2Lo = DoubleVector.broadcast(S, IeeeExp.NEG_LN2_LO);
        DoubleVector q0 = DoubleVector.broadcast(S, IeeeExp.Q0);
        DoubleVector q1 = DoubleVector.broadcast(S, IeeeExp.Q1);
        DoubleVector q2 = DoubleVector.broadcast(S, IeeeExp.Q2);
        DoubleVector q3 = DoubleVector.broadcast(S, IeeeExp.Q3);
        DoubleVector q4 = DoubleVector.broadcast(S, IeeeExp.Q4);
        DoubleVector q5 = DoubleVector.broadcast(S, IeeeExp.Q5);
        DoubleVector q6 = DoubleVector.broadcast(S, IeeeExp.Q6);
        DoubleVector q7 = DoubleVector.broadcast(S, IeeeExp.Q7);
        DoubleVector q8 = DoubleVector.broadcast(S, IeeeExp.Q8);
        DoubleVector q9 = DoubleVector.broadcast(S, IeeeExp.Q9);
        for (int i = 0; i < len; i += S.length()) {
            DoubleVector v = DoubleVector.fromArray(S, x, xo + i);
            DoubleVector z = v.abs().mul(-2.0);
            DoubleVector t = z.fma(IeeeExp.INV_LN2, IeeeExp.SHIFTER);
            DoubleVector k = t.sub(IeeeExp.SHIFTER);
            DoubleVector rh = k.fma(negLn2Hi, z);
            DoubleVector r = k.fma(negLn2Lo, rh);
            DoubleVector rl = k.fma(negLn2Lo, rh.sub(r));
            DoubleVector q = q9.fma(r, q8).fma(r, q7).fma(r, q6).fma(r, q5).fma(r, q4).fma(r, q3).fma(r, q2).fma(r, q1).fma(r, q0);
            DoubleVector w = r.mul(q).mul(r);
            DoubleVector ph = r.add(w);
            r.sub(ph).add(w).add(rl).intoArray(scratch, i);
            ph.intoArray(y, yo + i);
            LongVector sign = v.viewAsIntegralLanes().and(IeeeExp.SIGN_BIT);
            t.viewAsIntegralLanes().or(sign).viewAsFloatingLanes().intoArray(scratch, len + i);
        }
    }

    /** tanh's second pass, {@link IeeeExp#tanh} from {@code ph + pl} and {@code t} on: {@code y[yo + i] = tanh x}. */
    private static void tanhQuotient(double[] y, int yo, double[] scratch, int len) {
        // Cheap checks, which also keep this method above FreqInlineSize (see the class comment).
        Objects.checkFromIndexSize(yo, len, y.length);
        Objects.checkFromIndexSize(0, 2 * len, scratch.length);
        if (len % S.length() != 0) {
            throw new IllegalArgumentException("len " + len + " is not a multiple of the " + S.length() + " lanes");
        }
        DoubleVector minusOne = DoubleVector.broadcast(S, -1.0);
        DoubleVector two = DoubleVector.broadcast(S, 2.0);
        for (int i = 0; i < len; i += S.length()) {
            DoubleVector ph = DoubleVector.fromArray(S, y, yo + i);
            DoubleVector pl = DoubleVector.fromArray(S, scratch, i);
            LongVector tAndSign = DoubleVector.fromArray(S, scratch, len + i).viewAsIntegralLanes();
            DoubleVector s = tAndSign.and(IeeeExp.ABS_BITS).add(IeeeExp.BIAS - IeeeExp.SHIFTER_BITS)
                    .lanewise(VectorOperators.LSHL, IeeeExp.EXPONENT_SHIFT).viewAsFloatingLanes();
            DoubleVector sMinus1 = s.sub(1.0);
            DoubleVector sMinus1Low = minusOne.sub(sMinus1).add(s);
            DoubleVector mh = s.fma(ph, sMinus1);
            DoubleVector ml = s.fma(pl, s.fma(ph, sMinus1.sub(mh)).add(sMinus1Low));
            DoubleVector dh = mh.add(2.0);
            DoubleVector dl = two.sub(dh).add(mh).add(ml);
            DoubleVector quotient = mh.neg().div(dh);
            DoubleVector remainder = quotient.fma(dh, mh).add(quotient.fma(dl, ml)).neg();
            LongVector th = remainder.fma(quotient.fma(0.5, 0.5), quotient).viewAsIntegralLanes();
            th.and(IeeeExp.ABS_BITS).or(tAndSign.and(IeeeExp.SIGN_BIT)).viewAsFloatingLanes().intoArray(y, yo + i);
        }
    }

    /** sigmoid's first pass, {@link IeeeExp#sigmoid} up to {@code E = e^{−x} = eh + el}: eh into {@code y}, el into {@code scratch}. */
    private static void sigmoidExp(double[] x, int xo, double[] y, int yo, double[] scratch, int len) {
        DoubleVector negLn2Hi = DoubleVector.broadcast(S, IeeeExp.NEG_LN2_HI);
        DoubleVector negLn2Lo = DoubleVector.broadcast(S, IeeeExp.NEG_LN2_LO);
        DoubleVector q0 = DoubleVector.broadcast(S, IeeeExp.Q0);
        DoubleVector q1 = DoubleVector.broadcast(S, IeeeExp.Q1);
        DoubleVector q2 = DoubleVector.broadcast(S, IeeeExp.Q2);
        DoubleVector q3 = DoubleVector.broadcast(S, IeeeExp.Q3);
        DoubleVector q4 = DoubleVector.broadcast(S, IeeeExp.Q4);
        DoubleVector q5 = DoubleVector.broadcast(S, IeeeExp.Q5);
        DoubleVector q6 = DoubleVector.broadcast(S, IeeeExp.Q6);
        DoubleVector q7 = DoubleVector.broadcast(S, IeeeExp.Q7);
        DoubleVector q8 = DoubleVector.broadcast(S, IeeeExp.Q8);
        DoubleVector q9 = DoubleVector.broadcast(S, IeeeExp.Q9);
        for (int i = 0; i < len; i += S.length()) {
            DoubleVector z = DoubleVector.fromArray(S, x, xo + i).neg();
            DoubleVector t = z.fma(IeeeExp.INV_LN2, IeeeExp.SHIFTER);
            DoubleVector k = t.sub(IeeeExp.SHIFTER);
            DoubleVector r = k.fma(negLn2Lo, k.fma(negLn2Hi, z));
            DoubleVector q = q9.fma(r, q8).fma(r, q7).fma(r, q6).fma(r, q5).fma(r, q4).fma(r, q3).fma(r, q2).fma(r, q1).fma(r, q0);
            DoubleVector p = r.mul(q).fma(r, r);
            DoubleVector s = t.viewAsIntegralLanes().add(IeeeExp.BIAS - IeeeExp.SHIFTER_BITS)
                    .lanewise(VectorOperators.LSHL, IeeeExp.EXPONENT_SHIFT).viewAsFloatingLanes();
            DoubleVector eh = p.fma(s, s);
            p.fma(s, s.sub(eh)).intoArray(scratch, i);
            eh.intoArray(y, yo + i);
        }
    }

    /** sigmoid's second pass, {@link IeeeExp#sigmoid} from {@code E = eh + el} on: {@code y[yo + i] = σ(x)}. */
    private static void sigmoidQuotient(double[] y, int yo, double[] scratch, int len) {
        DoubleVector one = DoubleVector.broadcast(S, 1.0);
        for (int i = 0; i < len; i += S.length()) {
            DoubleVector eh = DoubleVector.fromArray(S, y, yo + i);
            DoubleVector el = DoubleVector.fromArray(S, scratch, i);
            DoubleVector dh = eh.add(1.0);
            DoubleVector ev = dh.sub(1.0);
            DoubleVector dl = one.sub(dh.sub(ev)).add(eh.sub(ev)).add(el);
            DoubleVector quotient = one.div(dh);
            DoubleVector remainder = quotient.neg().fma(dl, quotient.neg().fma(dh, one));
            remainder.fma(quotient, quotient).intoArray(y, yo + i);
        }
    }

    /** {@code data[from + i]} flushed for {@code i < len} (whole vectors): a lane whose magnitude bits lie below the threshold's keeps only its sign. */
    private static void flushVectors(double[] data, int from, int len, long thresholdBits) {
        // Cheap checks and a loop unrolled by two keep this method above FreqInlineSize (see the class comment and
        // FlushLoopSizeTest): inlined into the gradient pass's flushTiny beside the float loop, it had the float
        // loop's reinterpretation left out of line in some JVMs, 8.6 MB of boxed vectors per float32 LSTM step.
        Objects.checkFromIndexSize(from, len, data.length);
        if (len % S.length() != 0) {
            throw new IllegalArgumentException("flushTiny: len " + len + " is not a multiple of the " + S.length() + " lanes");
        }
        if (thresholdBits < Double.doubleToRawLongBits(Double.MIN_NORMAL) || thresholdBits > Double.doubleToRawLongBits(Double.MAX_VALUE)) {
            throw new IllegalArgumentException("flushTiny: threshold bits " + Long.toHexString(thresholdBits) + " are not those of a positive normal double");
        }
        LongVector magnitude = LongVector.broadcast(L, TinyValues.DOUBLE_MAGNITUDE);
        LongVector threshold = LongVector.broadcast(L, thresholdBits);
        LongVector sign = LongVector.broadcast(L, TinyValues.DOUBLE_SIGN);
        int step = S.length();
        int i = 0;
        for (; i + 2 * step <= len; i += 2 * step) {
            LongVector bits = DoubleVector.fromArray(S, data, from + i).viewAsIntegralLanes();
            VectorMask<Long> tiny = bits.and(magnitude).compare(VectorOperators.LT, threshold);
            bits.blend(bits.and(sign), tiny).viewAsFloatingLanes().intoArray(data, from + i);
            LongVector next = DoubleVector.fromArray(S, data, from + i + step).viewAsIntegralLanes();
            VectorMask<Long> nextTiny = next.and(magnitude).compare(VectorOperators.LT, threshold);
            next.blend(next.and(sign), nextTiny).viewAsFloatingLanes().intoArray(data, from + i + step);
        }
        for (; i < len; i += step) {
            LongVector bits = DoubleVector.fromArray(S, data, from + i).viewAsIntegralLanes();
            VectorMask<Long> tiny = bits.and(magnitude).compare(VectorOperators.LT, threshold);
            bits.blend(bits.and(sign), tiny).viewAsFloatingLanes().intoArray(data, from + i);
        }
    }

    /** {@code data[from + i]} flushed for {@code i < len} (whole float vectors), as the double loop. */
    private static void flushVectors(float[] data, int from, int len, int thresholdBits) {
        // Kept above FreqInlineSize like the double loop, for the same reason.
        Objects.checkFromIndexSize(from, len, data.length);
        if (len % F.length() != 0) {
            throw new IllegalArgumentException("flushTiny: len " + len + " is not a multiple of the " + F.length() + " lanes");
        }
        if (thresholdBits < Float.floatToRawIntBits(Float.MIN_NORMAL) || thresholdBits > Float.floatToRawIntBits(Float.MAX_VALUE)) {
            throw new IllegalArgumentException("flushTiny: threshold bits " + Integer.toHexString(thresholdBits) + " are not those of a positive normal float");
        }
        IntVector magnitude = IntVector.broadcast(I, TinyValues.FLOAT_MAGNITUDE);
        IntVector threshold = IntVector.broadcast(I, thresholdBits);
        IntVector sign = IntVector.broadcast(I, TinyValues.FLOAT_SIGN);
        int step = F.length();
        int i = 0;
        for (; i + 2 * step <= len; i += 2 * step) {
            IntVector bits = FloatVector.fromArray(F, data, from + i).viewAsIntegralLanes();
            VectorMask<Integer> tiny = bits.and(magnitude).compare(VectorOperators.LT, threshold);
            bits.blend(bits.and(sign), tiny).viewAsFloatingLanes().intoArray(data, from + i);
            IntVector next = FloatVector.fromArray(F, data, from + i + step).viewAsIntegralLanes();
            VectorMask<Integer> nextTiny = next.and(magnitude).compare(VectorOperators.LT, threshold);
            next.blend(next.and(sign), nextTiny).viewAsFloatingLanes().intoArray(data, from + i + step);
        }
        for (; i < len; i += step) {
            IntVector bits = FloatVector.fromArray(F, data, from + i).viewAsIntegralLanes();
            VectorMask<Integer> tiny = bits.and(magnitude).compare(VectorOperators.LT, threshold);
            bits.blend(bits.and(sign), tiny).viewAsFloatingLanes().intoArray(data, from + i);
        }
    }
}
