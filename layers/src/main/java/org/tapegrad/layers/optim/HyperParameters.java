package org.tapegrad.layers.optim;

/** Validation of optimizer hyper-parameters, with messages naming the optimizer, the setting and its range. */
final class HyperParameters {

    private HyperParameters() {
    }

    /** {@code value} finite and {@code > 0}. */
    static double positive(String optimizer, String name, double value) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw invalid(optimizer, name, value, "a finite number > 0");
        }
        return value;
    }

    /** {@code value} finite and {@code >= 0}. */
    static double nonNegative(String optimizer, String name, double value) {
        if (!(value >= 0) || !Double.isFinite(value)) {
            throw invalid(optimizer, name, value, "a finite number >= 0");
        }
        return value;
    }

    /** {@code 0 <= value < 1}. */
    static double unitInterval(String optimizer, String name, double value) {
        if (!(value >= 0 && value < 1)) {
            throw invalid(optimizer, name, value, "in [0, 1)");
        }
        return value;
    }

    /** {@code 0 <= value <= 1}. */
    static double closedUnitInterval(String optimizer, String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw invalid(optimizer, name, value, "in [0, 1]");
        }
        return value;
    }

    static IllegalArgumentException invalid(String optimizer, String name, double value, String expected) {
        return new IllegalArgumentException(optimizer + ": " + name + " must be " + expected + ", got " + value);
    }
}
