package org.tapegrad.examples.cli;

/** Exit codes of the examples tool. */
public final class ExitCodes {

    /** Success. */
    public static final int OK = 0;
    /** Bad input found while running: a data file, an output folder, an invalid value. */
    public static final int BAD_INPUT = 1;
    /** The command line itself is wrong: unknown option, unknown cell name, negative size. */
    public static final int USAGE = 2;
    /** A bug in the tool (an exception nobody anticipated); the message still fits on one line. */
    public static final int INTERNAL = 3;

    private ExitCodes() {
    }
}
