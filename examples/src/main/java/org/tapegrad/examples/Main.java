package org.tapegrad.examples;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

import org.ojalgo.OjAlgoUtils;
import org.tapegrad.examples.cli.ErrorReporting;
import org.tapegrad.examples.dogs.DogsCommand;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The examples tool: {@code java -jar tapegrad-examples.jar [subcommand] [options]}. With no arguments it runs the
 * tour. Every failure ends as one line on stderr and a non-zero exit code (see {@link ErrorReporting}).
 */
@Command(name = "tapegrad-examples", mixinStandardHelpOptions = true, version = "tapegrad examples 0.1.0",
        description = {"Demonstrations of the theory of recurrent networks on the tapegrad engine.",
            "Run without arguments for the tour."},
        subcommands = {org.tapegrad.examples.tour.TourCommand.class, DogsCommand.class, org.tapegrad.examples.flow.FlowCommand.class, org.tapegrad.examples.adding.AddingCommand.class, org.tapegrad.examples.music.MusicCommand.class, org.tapegrad.examples.charlm.CharLmCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        // Reached only with options but no subcommand (e.g. a stray argument would already be a parse error).
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        // The engine splits large matrix products over its own threads (tapegrad.threads); ojAlgo's pool, used by the
        // ojalgo GEMM kernel and the decompositions, has no upper limit and would compete with them for the cores.
        OjAlgoUtils.limitThreadsTo(1);
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        System.exit(run(out, err, args));
    }

    /** Runs the tool with the given streams and returns its exit code; {@code main} without the {@code System.exit}. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        String[] effective = args.length == 0 ? new String[] {"tour"} : args;
        int code;
        try {
            code = commandLine(out, err).execute(effective);
        } catch (OutOfMemoryError e) {
            // Every command estimates its memory before allocating; this is the last line of defence for what the
            // estimate missed. picocli's handlers see Exceptions only, so the Error is caught here.
            err.println("error: out of memory (the heap holds " + org.tapegrad.examples.cli.MemoryEstimate.size(Runtime.getRuntime().maxMemory())
                    + "); choose smaller sizes or give java a larger -Xmx");
            code = org.tapegrad.examples.cli.ExitCodes.BAD_INPUT;
        }
        out.flush();
        err.flush();
        return code;
    }

    /** The configured command line (error handlers, streams), for tests and embedding. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        ErrorReporting errors = new ErrorReporting();
        CommandLine cmd = new CommandLine(new Main());
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        cmd.registerConverter(org.tapegrad.examples.model.CellKind.class, new org.tapegrad.examples.cli.CellKindConverter());
        cmd.setParameterExceptionHandler(errors);
        cmd.setExecutionExceptionHandler(errors);
        return cmd;
    }
}
