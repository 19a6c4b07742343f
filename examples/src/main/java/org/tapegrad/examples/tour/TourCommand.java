package org.tapegrad.examples.tour;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.tapegrad.examples.cli.OutputFolder;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tour} (the default): the demonstrations that fit in a minute or two on two cores, one after the other, each
 * run exactly as its own subcommand would run with the arguments shown.
 */
@Command(name = "tour", mixinStandardHelpOptions = true,
        description = {"The default: runs dogs, flow and a short adding run (T = 50) in 4 to 11 seconds on 2 cores (with JVM start-up: 4.0–4.3 s on an AMD Zen 5, 9 to 11 s on a Zen 3), "
                + "writes CSV and PNG files and prints where they are."})
public final class TourCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private OutputFolder output = new OutputFolder();

    @Option(names = "--quiet", description = "No progress bars.")
    private boolean quiet;

    @Option(names = "--adding-iterations", paramLabel = "N", defaultValue = "800",
            description = "Training batches per model in the adding stage (default: ${DEFAULT-VALUE}, about 4 s on 2 cores).")
    private int addingIterations;

    /** The stages of the tour: subcommand name and its arguments (besides --out and --quiet). */
    static List<List<String>> stages(int addingIterations) {
        List<List<String>> s = new ArrayList<>();
        s.add(List.of("dogs"));
        s.add(List.of("flow", "--steps", "200"));
        s.add(List.of("adding", "--lengths", "50", "--iterations", String.valueOf(addingIterations)));
        return s;
    }

    @Override
    public Integer call() {
        org.tapegrad.examples.cli.Checks.positive(spec, "--adding-iterations", addingIterations);
        Path folder = output.prepare();
        PrintWriter out = spec.commandLine().getOut();
        CommandLine root = spec.root().commandLine();
        long start = System.nanoTime();
        for (List<String> stage : stages(addingIterations)) {
            List<String> args = new ArrayList<>(stage.subList(1, stage.size()));
            args.add("--out");
            args.add(folder.toString());
            if (quiet && !stage.get(0).equals("dogs")) {
                args.add("--quiet");
            }
            out.println("━━━ " + stage.get(0) + " " + String.join(" ", args));
            out.flush();
            int code = root.getSubcommands().get(stage.get(0)).execute(args.toArray(String[]::new));
            if (code != 0) {
                return code;
            }
            out.println();
        }
        out.printf("tour finished in %.0f s; results (CSV and PNG) are in %s%n", (System.nanoTime() - start) / 1e9, folder);
        out.flush();
        return 0;
    }
}
