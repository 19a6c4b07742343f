package org.tapegrad.examples.cli;

/** Exit codes of the examples tool. */
public final class ExitCodes {

    /** Success. */
    public static final int OK = 0;
    /**
     * Bad input found while running: a data file, a checkpoint, an output folder, a size that does not fit the heap. The
     * same code as {@link #USAGE}: every problem the user can fix exits with 2, and only a bug with something else.
     */
    public static final int BAD_INPUT = 2;
    /** The command line itself is wrong: unknown option, unknown cell name, negative size. */
    public static final int USAGE = 2;
    /** A bug in the tool (an exception nobody anticipated); the message still fits on one line. */
    public static final int INTERNAL = 3;

    private ExitCodes() {
    }
}
