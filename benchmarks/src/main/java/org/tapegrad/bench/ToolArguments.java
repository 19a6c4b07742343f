package org.tapegrad.bench;

import java.util.List;

/**
 * The command-line conventions of the benchmark tools ({@link GemmPeakRatio}, {@link FusionRatio}, …): every argument
 * is checked before anything is timed, and a bad one ends the run with one line on standard error that names the
 * tool, the argument and what was expected, and exit status 2, instead of a stack trace minutes into a run.
 */
final class ToolArguments {

    private ToolArguments() {
    }

    /** A tool's work after its arguments: may throw {@link IllegalArgumentException} for bad input. */
    interface Body {
        void run() throws Exception;
    }

    /**
     * Runs {@code body}; an {@link IllegalArgumentException} (bad input) becomes {@code tool: message} on standard error
     * and exit status 2. Anything else is a fault of the tool and propagates as it is.
     */
    static void run(String tool, Body body) throws Exception {
        try {
            body.run();
        } catch (IllegalArgumentException e) {
            System.err.println(tool + ": " + e.getMessage());
            System.exit(2);
        }
    }

    /** The value of {@code option} (e.g. {@code --seconds}): a positive, finite number of seconds. */
    static double seconds(String option, String text) {
        double s;
        try {
            s = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            s = Double.NaN;
        }
        if (!(s > 0 && s < 1e6)) {
            throw new IllegalArgumentException(option + "=" + text + ": expected a positive number of seconds");
        }
        return s;
    }

    /** The value of {@code option}: an integer of at least {@code min}. */
    static int atLeast(String option, String text, int min) {
        try {
            int v = Integer.parseInt(text);
            if (v >= min) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below, with the option's name
        }
        throw new IllegalArgumentException(option + "=" + text + ": expected an integer of at least " + min);
    }

    /** The comma-separated names of {@code option}, each one of {@code known}. */
    static List<String> names(String option, String text, List<String> known) {
        List<String> names = List.of(text.split(",", -1));
        for (String name : names) {
            if (!known.contains(name)) {
                throw new IllegalArgumentException(option + "=" + text + ": unknown '" + name + "', expected a comma-separated list of "
                        + String.join(", ", known));
            }
        }
        return names;
    }

    /** An option this tool does not have. */
    static IllegalArgumentException unknown(String argument, String expected) {
        return new IllegalArgumentException("unknown option " + argument + ": expected " + expected);
    }
}
