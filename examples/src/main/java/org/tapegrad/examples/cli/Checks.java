package org.tapegrad.examples.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Range checks of option values, failing like picocli's own parse errors (one line, {@link ExitCodes#USAGE}) so that a
 * negative size is reported the same way as a misspelt option.
 */
public final class Checks {

    private Checks() {
    }

    /** Requires {@code value ≥ 1}. */
    public static int positive(CommandSpec spec, String option, int value) {
        if (value < 1) {
            throw new ParameterException(spec.commandLine(), "invalid value for " + option + ": " + value + " (must be a positive integer)");
        }
        return value;
    }

    /** Requires {@code value ≥ 0}. */
    public static int nonNegative(CommandSpec spec, String option, int value) {
        if (value < 0) {
            throw new ParameterException(spec.commandLine(), "invalid value for " + option + ": " + value + " (must be zero or more)");
        }
        return value;
    }

    /** Requires a finite {@code value > 0}. */
    public static double positive(CommandSpec spec, String option, double value) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new ParameterException(spec.commandLine(), "invalid value for " + option + ": " + value + " (must be a positive number)");
        }
        return value;
    }

    /** Requires {@code lo ≤ value ≤ hi}. */
    public static double inRange(CommandSpec spec, String option, double value, double lo, double hi) {
        if (!(value >= lo && value <= hi)) {
            throw new ParameterException(spec.commandLine(), "invalid value for " + option + ": " + value + " (must be between " + lo + " and " + hi + ")");
        }
        return value;
    }
}
