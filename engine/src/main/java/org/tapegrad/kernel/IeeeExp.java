package org.tapegrad.kernel;

/**
 * exp, tanh and sigmoid built from IEEE-754 operations only — add, subtract, multiply, divide, fma, comparisons and
 * integer operations on the bits — each of which has exactly one correct result. So the interpreter, C1, C2, the
 * Vector API's Java fallback and its intrinsics all give the same bits, which {@link Math#exp} and the Vector API's
 * {@code EXP} do not promise. This class is the scalar reference: {@link VectorActivations} performs the very same
 * operations in the same order lane by lane (keep the two in step), {@link ScalarActivations} calls it directly.
 *
 * <p>{@code e^x = 2^k·e^r} with {@code k = round(x/ln2)} and {@code r = x − k·ln2}, {@code |r| ≤ ln2/2}:
 * <ul>
 * <li>{@code k}: {@code fma(x, 1/ln2, 1.5·2^52)} rounds {@code x/ln2} to an integer (the sum's ulp is 1), held in the
 * low bits of the sum's representation, so {@code k} is at hand as a double and as a long without a conversion;</li>
 * <li>{@code r} by two fmas with ln2 split into {@code LN2_HI + LN2_LO} (Cody–Waite): the first, {@code x − k·LN2_HI},
 * is exact (for {@code k ≠ 0}, {@code |x| > 0.34}, so {@code x} and {@code k·LN2_HI} are multiples of 2^−54 and so
 * is their difference, which is below 0.5); the second rounds once, and where it matters a third fma recovers that
 * rounding error {@code rl};</li>
 * <li>{@code e^r − 1 = r + r²·Q(r)} with a degree-9 minimax {@code Q} (see {@link #Q0});</li>
 * <li>{@code 2^k} written into the exponent field. exp scales by {@code 2^{⌊k/2⌋}·2^{k−⌊k/2⌋}}, two normal
 * factors for every {@code k} of the clamped range [−1076, 1024], and the product rounds once, to ∞ or into the
 * subnormals exactly where the true value does.</li>
 * </ul>
 *
 * <p>tanh and sigmoid end in a quotient whose operands carry rounding errors, and plain double arithmetic there costs
 * up to 2.5 ulp (as much as {@link StrictMath#tanh}'s own error). So they carry {@code e^{−2|x|} − 1} and
 * {@code e^{−|x|}} as unevaluated sums {@code hi + lo} (Fast2Sum and exact fma remainders) and correct the quotient
 * {@code q = n/d} by its remainder: {@code n/d ≈ q + (n − q·d)/d}, where {@code 1/d} comes from {@code q} itself —
 * no second division. Measured against 40-digit values: exp 0.93 ulp worst, tanh 0.91, sigmoid 0.93.
 */
final class IeeeExp {

    /** {@code 1.5·2^52}: {@code x + SHIFTER} rounds {@code x} to the nearest integer for {@code |x| < 2^51}. */
    static final double SHIFTER = 0x1.8p52;
    /** The bits of {@link #SHIFTER}: {@code bits(SHIFTER + k) − SHIFTER_BITS = k}. */
    static final long SHIFTER_BITS = Double.doubleToRawLongBits(SHIFTER);
    /** {@code 1/ln2} rounded. */
    static final double INV_LN2 = 0x1.71547652b82fep0;
    /** {@code −ln2} rounded (negated so that the reduction is {@code fma(k, NEG_LN2_HI, x)}). */
    static final double NEG_LN2_HI = -0x1.62e42fefa39efp-1;
    /** {@code −(ln2 − LN2_HI)} rounded: the next 53 bits of ln2. */
    static final double NEG_LN2_LO = -0x1.abc9e3b39803fp-56;

    /**
     * exp's argument is clamped to [{@code EXP_MIN_ARG}, {@code EXP_MAX_ARG}]: {@code e^{−746} < 2^{−1076}} rounds to
     * 0 and {@code e^{710} > 2^{1024}} overflows, as for every argument beyond, and {@code k} stays in [−1076, 1024]
     * so that both scale factors are normal. The clamp is by comparisons, false for NaN, which passes through.
     */
    static final double EXP_MIN_ARG = -746.0;
    /** See {@link #EXP_MIN_ARG}. */
    static final double EXP_MAX_ARG = 710.0;
    /**
     * Up to this |x|, {@code 2^k} and {@code e^x} are normal ({@code e^{−708} > 2^{−1022}}), so exp's clamp does
     * nothing and one factor {@code 2^k} rounds exactly like the two (scaling by a power of two between normal
     * numbers is exact): the vector kernel's fast path. Beyond it, or for NaN, it takes the scalar code.
     */
    static final double EXP_FAST_LIMIT = 708.0;
    /**
     * tanh's |x| is clamped here, so that {@code 2^k} with {@code k = round(−2|x|/ln2) ≥ −1010} stays normal; tanh
     * is ±1.0 in double from |x| ≈ 19.06 on, and so are these formulas, so any clamp in [20, 354] gives the same bits.
     */
    static final double TANH_MAX_ABS = 350.0;
    /**
     * Up to this |x|, {@code E = e^{−x}} and {@code 2^k} are normal and finite. Beyond it {@code e^{−|x|} < 2^{−1021}},
     * so {@code σ(x) = 1/(1 + e^{−x})} rounds to 1.0 above and to {@code e^x} below (their relative distance is
     * {@code e^x}): {@link #exp}(x), subnormals included.
     */
    static final double SIGMOID_MAX_ABS = 708.0;

    static final long SIGN_BIT = 0x8000_0000_0000_0000L;
    static final long ABS_BITS = 0x7FFF_FFFF_FFFF_FFFFL;
    static final int EXPONENT_SHIFT = 52;
    static final long BIAS = 1023;
    /** {@code 2·1023}: the sum of the biased exponents of exp's two scale factors. */
    static final long TWO_BIASES = 2046;

    /*
     * Q(r) ≈ (e^r − 1 − r)/r², minimax on [−0.3466, 0.3466] (ln2/2 plus the slack of the rounded 1/ln2), fitted by a
     * Remez exchange in 60-digit arithmetic. Degree 9, i.e. e^r − 1 of degree 11: its worst error is 1.0e−16 in Q,
     * r²·1.0e−16 ≤ 0.15·2^−53 relative to e^r and 0.4·2^−53 relative to e^r − 1 with these double coefficients;
     * degree 8 would leave 11·2^−53. The Taylor series needs degree 13 in e^r − 1 just to get its truncation error
     * below half an ulp, 14 to make it negligible: the fit saves 3 to 4 fmas per element. Q0 and Q1 are
     * 1/2 + 2^−53 and 1/6 + 3·2^−55: what the fit chose, not typos for 1/2 and 1/6.
     */
    static final double Q0 = 0x1.0000000000001p-1;
    static final double Q1 = 0x1.5555555555558p-3;
    static final double Q2 = 0x1.5555555553d63p-5;
    static final double Q3 = 0x1.111111110f804p-7;
    static final double Q4 = 0x1.6c16c1788b953p-10;
    static final double Q5 = 0x1.a01a01b00c0b7p-13;
    static final double Q6 = 0x1.a019b90e4da85p-16;
    static final double Q7 = 0x1.71ddf6b4517cbp-19;
    static final double Q8 = 0x1.289183ef2dc93p-22;
    static final double Q9 = 0x1.af632a199adcbp-26;

    private IeeeExp() {
    }

    /** {@code e^x = 2^{⌊k/2⌋}·(2^{k−⌊k/2⌋}·e^r)}; exact 0 below −745.13…, ∞ above 709.78…, NaN for NaN. */
    static double exp(double x) {
        // Comparisons, false for NaN, which passes through.
        double c = x < EXP_MIN_ARG ? EXP_MIN_ARG : x;
        c = c > EXP_MAX_ARG ? EXP_MAX_ARG : c;
        double t = Math.fma(c, INV_LN2, SHIFTER);
        double k = t - SHIFTER;
        double rh = Math.fma(k, NEG_LN2_HI, c);
        double r = Math.fma(k, NEG_LN2_LO, rh);
        // p = r + (r²·Q(r) + rl): r's rounding error rl folded in where it is not lost. Below 1 (r < 0) the result's
        // ulp halves and p's absolute error counts double: measured 1.02 ulp worst without rl, 0.93 with.
        double rl = Math.fma(k, NEG_LN2_LO, rh - r);
        double p = r + Math.fma(r * q(r), r, rl);
        // k + 2046 ∈ [970, 3070] split into ⌊k/2⌋ + 1023 and k − ⌊k/2⌋ + 1023, the biased exponents of the two
        // factors, by an unsigned shift of the non-negative sum (a 64-bit arithmetic shift has no AVX2 instruction).
        long twoBiasesPlusK = Double.doubleToRawLongBits(t) + (TWO_BIASES - SHIFTER_BITS);
        long e1 = twoBiasesPlusK >>> 1;
        double s1 = Double.longBitsToDouble(e1 << EXPONENT_SHIFT);
        double s2 = Double.longBitsToDouble((twoBiasesPlusK - e1) << EXPONENT_SHIFT);
        // s1·(1 + p) rounds once and is normal; the exact power of two s2 is where overflow or gradual underflow
        // happens, with a second rounding only for subnormal results.
        return Math.fma(p, s1, s1) * s2;
    }

    /** {@code e^r − 1 = fma(r·Q(r), r, r)} for {@code |r| ≤ ln2/2}. */
    static double expm1Reduced(double r) {
        return Math.fma(r * q(r), r, r);
    }

    /** {@code Q(r) = Q0 + r·(Q1 + r·(… + r·Q9))}, Horner with fma. */
    static double q(double r) {
        double q = Math.fma(Q9, r, Q8);
        q = Math.fma(q, r, Q7);
        q = Math.fma(q, r, Q6);
        q = Math.fma(q, r, Q5);
        q = Math.fma(q, r, Q4);
        q = Math.fma(q, r, Q3);
        q = Math.fma(q, r, Q2);
        q = Math.fma(q, r, Q1);
        return Math.fma(q, r, Q0);
    }

    /** {@code 2^k} from {@code t = SHIFTER + k} for {@code −1022 ≤ k ≤ 1023}: {@code k + 1023} into the exponent field. */
    static double twoToK(double t) {
        return Double.longBitsToDouble((Double.doubleToRawLongBits(t) + (BIAS - SHIFTER_BITS)) << EXPONENT_SHIFT);
    }

    /**
     * {@code tanh x = sign(x)·(−m)/(2 + m)}, {@code m = e^{−2a} − 1}, {@code a = min(|x|, 350)}, with {@code m} and
     * the quotient carried to double-double accuracy: no cancellation near 0, exactly ±1 far out.
     */
    static double tanh(double x) {
        double a = Math.abs(x);
        double y = -2.0 * (a > TANH_MAX_ABS ? TANH_MAX_ABS : a);
        double t = Math.fma(y, INV_LN2, SHIFTER);
        double k = t - SHIFTER;
        // r + rl = y − k·ln2: rh is exact, r rounds once, rl is that rounding error (exact to ~2^−100).
        double rh = Math.fma(k, NEG_LN2_HI, y);
        double r = Math.fma(k, NEG_LN2_LO, rh);
        double rl = Math.fma(k, NEG_LN2_LO, rh - r);
        // e^{r + rl} − 1 = ph + pl: r + w by Fast2Sum (|w| < |r|), plus rl (its factor e^r ≈ 1 changes < 2^−55·rl).
        double w = (r * q(r)) * r;
        double ph = r + w;
        double pl = ((r - ph) + w) + rl;
        // m = (s − 1) + s·ph + s·pl, s = 2^k ≤ 1: s − 1 with its error by Fast2Sum with −1 (inexact once k < −53);
        // mh = (s − 1) + s·ph rounded once (s·ph is exact), and its error exactly by a second fma, since
        // (s − 1) − mh is exact (Sterbenz: s − 1 and mh are within a factor 2, or s − 1 = 0).
        double s = twoToK(t);
        double sMinus1 = s - 1.0;
        double sMinus1Low = (-1.0 - sMinus1) + s;
        double mh = Math.fma(s, ph, sMinus1);
        double ml = Math.fma(s, pl, Math.fma(s, ph, sMinus1 - mh) + sMinus1Low);
        // −m/(2 + m): d = 2 + m by Fast2Sum, then the remainder correction with 1/d = (1 + tanh)/2.
        double dh = 2.0 + mh;
        double dl = ((2.0 - dh) + mh) + ml;
        double quotient = -mh / dh;
        double remainder = -(Math.fma(quotient, dh, mh) + Math.fma(quotient, dl, ml));
        double th = Math.fma(remainder, Math.fma(quotient, 0.5, 0.5), quotient);
        // th is ≥ 0 or −0.0 (for x = ±0): |th| with x's sign bit is copySign, so tanh(±0.0) = ±0.0; NaN stays NaN.
        long magnitude = Double.doubleToRawLongBits(th) & ABS_BITS;
        return Double.longBitsToDouble(magnitude | (Double.doubleToRawLongBits(x) & SIGN_BIT));
    }

    /**
     * {@code σ(x) = 1/(1 + E)}, {@code E = e^{−x}} (at most e^708 here), with {@code E}, {@code 1 + E} and the
     * quotient carried as double-doubles: one formula for both signs.
     */
    static double sigmoid(double x) {
        if (x < -SIGMOID_MAX_ABS) {
            return exp(x);
        }
        if (x > SIGMOID_MAX_ABS) {
            return 1.0;
        }
        double z = -x;
        double t = Math.fma(z, INV_LN2, SHIFTER);
        double k = t - SHIFTER;
        double p = expm1Reduced(Math.fma(k, NEG_LN2_LO, Math.fma(k, NEG_LN2_HI, z)));
        // E = s·(1 + p) = eh + el: eh rounded once, el its error, exact since s − eh is (Sterbenz: eh/s ∈ [0.7, 1.42]).
        // Unlike tanh, sigmoid does without the low parts of r and p: measured 0.94 ulp worst without, 0.69 with, for
        // 5 more operations.
        double s = twoToK(t);
        double eh = Math.fma(p, s, s);
        double el = Math.fma(p, s, s - eh);
        // d = 1 + E by TwoSum (E is on either side of 1), then 1/d corrected by its remainder 1 − q·d.
        double dh = 1.0 + eh;
        double ev = dh - 1.0;
        double dl = ((1.0 - (dh - ev)) + (eh - ev)) + el;
        double quotient = 1.0 / dh;
        double remainder = Math.fma(-quotient, dl, Math.fma(-quotient, dh, 1.0));
        return Math.fma(remainder, quotient, quotient);
    }
}
