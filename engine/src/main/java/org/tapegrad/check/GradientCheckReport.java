package org.tapegrad.check;

/**
 * The outcome of a {@link GradientCheck}: whether every compared element passed, and the worst one (largest error
 * relative to its tolerance) with the input's name, the index or direction, the analytic and the numeric value.
 */
public final class GradientCheckReport {

    private final GradientCheck.Mode mode;
    private final int compared;
    private final int failed;
    private final String worstInput;
    private final String worstIndex;
    private final double worstAnalytic;
    private final double worstNumeric;
    private final double worstRatio;
    private final double atol;
    private final double rtol;

    private GradientCheckReport(Builder b) {
        this.mode = b.mode;
        this.compared = b.compared;
        this.failed = b.failed;
        this.worstInput = b.worstInput;
        this.worstIndex = b.worstIndex;
        this.worstAnalytic = b.worstAnalytic;
        this.worstNumeric = b.worstNumeric;
        this.worstRatio = b.worstRatio;
        this.atol = b.atol;
        this.rtol = b.rtol;
    }

    public boolean passed() {
        return failed == 0;
    }

    /** Number of elements (full mode) or directions compared. */
    public int compared() {
        return compared;
    }

    public int failed() {
        return failed;
    }

    /** Name of the parameter holding the worst element. */
    public String worstInput() {
        return worstInput;
    }

    /** {@code "(i, j)"} in full mode, {@code "direction k"} in random-direction mode. */
    public String worstIndex() {
        return worstIndex;
    }

    public double worstAnalytic() {
        return worstAnalytic;
    }

    public double worstNumeric() {
        return worstNumeric;
    }

    /** {@code |analytic − numeric| / (atol + rtol·max(|analytic|, |numeric|))} of the worst element; ≤ 1 passes. */
    public double worstRatio() {
        return worstRatio;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT,
                "gradient check %s (%s): %d of %d failed; worst: input '%s' %s analytic %.12g numeric %.12g |diff| %.3g (%.3g× the tolerance atol=%.1g rtol=%.1g)",
                passed() ? "passed" : "FAILED", mode, failed, compared, worstInput, worstIndex, worstAnalytic, worstNumeric,
                Math.abs(worstAnalytic - worstNumeric), worstRatio, atol, rtol);
    }

    static final class Builder {
        private final GradientCheck.Mode mode;
        private final double atol;
        private final double rtol;
        private int compared;
        private int failed;
        private String worstInput = "-";
        private String worstIndex = "-";
        private double worstAnalytic;
        private double worstNumeric;
        private double worstRatio = -1;

        Builder(GradientCheck.Mode mode, double atol, double rtol) {
            this.mode = mode;
            this.atol = atol;
            this.rtol = rtol;
        }

        void element(String input, String index, double analytic, double numeric) {
            compared++;
            double ratio = analytic == numeric ? 0.0
                    : Math.abs(analytic - numeric) / (atol + rtol * Math.max(Math.abs(analytic), Math.abs(numeric)));
            if (Double.isNaN(ratio)) {
                ratio = Double.POSITIVE_INFINITY;
            }
            if (ratio > 1) {
                failed++;
            }
            if (ratio > worstRatio) {
                worstRatio = ratio;
                worstInput = input;
                worstIndex = index;
                worstAnalytic = analytic;
                worstNumeric = numeric;
            }
        }

        GradientCheckReport build() {
            return new GradientCheckReport(this);
        }
    }
}
