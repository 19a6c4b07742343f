package org.tapegrad.examples.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns every failure into one line on stderr and an exit code, never a stack trace: people running a demo need to
 * know what to fix, not where in the code it broke. Set the environment variable {@code TAPEGRAD_DEBUG=1} to get the
 * stack trace as well.
 */
public final class ErrorReporting implements IExecutionExceptionHandler, IParameterExceptionHandler {

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        String help = cmd.getCommandSpec().qualifiedName() + " --help";
        String message = ex.getMessage();
        if (ex instanceof CommandLine.UnmatchedArgumentException u && !cmd.getSubcommands().isEmpty()
                && !u.getUnmatched().isEmpty() && !u.getUnmatched().get(0).startsWith("-")) {
            // At the root a stray word is a misspelt subcommand; say so rather than "unmatched argument at index 0".
            message = "unknown subcommand '" + u.getUnmatched().get(0) + "'; expected one of " + String.join(", ", cmd.getSubcommands().keySet());
        }
        cmd.getErr().println("error: " + oneLine(message) + " (see '" + help + "')");
        debug(cmd, ex);
        cmd.getErr().flush();
        return ExitCodes.USAGE;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
        int code;
        String message;
        if (ex instanceof ParameterException pe) {
            return handleParseException(pe, parseResult.originalArgs().toArray(String[]::new));
        } else if (ex instanceof UserInputException) {
            code = ExitCodes.BAD_INPUT;
            message = ex.getMessage();
        } else if (ex instanceof UncheckedIOException u) {
            code = ExitCodes.BAD_INPUT;
            message = describe(u.getCause());
        } else if (ex instanceof IOException io) {
            code = ExitCodes.BAD_INPUT;
            message = describe(io);
        } else {
            code = ExitCodes.INTERNAL;
            message = "internal error, please report: " + ex.getClass().getSimpleName() + ": " + ex.getMessage();
        }
        cmd.getErr().println("error: " + oneLine(message));
        debug(cmd, ex);
        cmd.getErr().flush();
        return code;
    }

    /** An I/O failure in words: the JDK's file exceptions carry only the path as their message. */
    static String describe(IOException e) {
        if (e instanceof NoSuchFileException n) {
            return "no such file or folder: " + n.getFile();
        }
        if (e instanceof AccessDeniedException a) {
            return "permission denied: " + a.getFile();
        }
        if (e instanceof FileSystemException f) {
            return "cannot access " + f.getFile() + (f.getReason() == null ? "" : ": " + f.getReason());
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    static String oneLine(String s) {
        return s == null ? "(no message)" : s.strip().replaceAll("\\s*\\R\\s*", "; ");
    }

    private static void debug(CommandLine cmd, Exception ex) {
        if ("1".equals(System.getenv("TAPEGRAD_DEBUG"))) {
            ex.printStackTrace(cmd.getErr());
        }
    }
}
