package org.tapegrad.examples.flow;

/**
 * The geometric rate ρ per step of a curve {@code y_d ≈ c·ρ^d}: the exponential of the least-squares slope of
 * {@code log y_d} against d. Points that underflowed to 0 (or are not finite) are left out.
 */
public final class DecayRate {

    private DecayRate() {
    }

    /** ρ over {@code d = from … y.length−1}; NaN if fewer than two usable points. */
    public static double of(double[] y, int from) {
        double n = 0;
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        for (int d = from; d < y.length; d++) {
            if (y[d] > 0 && Double.isFinite(y[d])) {
                double ly = Math.log(y[d]);
                n++;
                sx += d;
                sy += ly;
                sxx += (double) d * d;
                sxy += d * ly;
            }
        }
        double den = n * sxx - sx * sx;
        if (n < 2 || den == 0) {
            return Double.NaN;
        }
        return Math.exp((n * sxy - sx * sy) / den);
    }
}
