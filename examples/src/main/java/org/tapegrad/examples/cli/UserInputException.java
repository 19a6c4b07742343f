package org.tapegrad.examples.cli;

/**
 * Bad input from the person running the tool (a missing or malformed data file, an unwritable output folder, …).
 * The command line prints its message as one line on stderr and exits with {@link ExitCodes#BAD_INPUT}; the message
 * must therefore name the thing that was wrong and what was expected.
 */
public final class UserInputException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public UserInputException(String message) {
        super(message);
    }

    public UserInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
