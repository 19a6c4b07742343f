package org.tapegrad.bench;

import java.util.Arrays;

/** The median of a run's per-round figures, as every interleaved-rounds tool here reports it. */
final class Medians {

    private Medians() {
    }

    /** The median of {@code v} (the mean of the two middle values for an even count); {@code v} is left as it was. */
    static double of(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
