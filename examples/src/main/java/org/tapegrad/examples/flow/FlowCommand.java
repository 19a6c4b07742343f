package org.tapegrad.examples.flow;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import org.tapegrad.examples.cli.Checks;
import org.tapegrad.examples.cli.MemoryEstimate;
import org.tapegrad.examples.cli.OutputFolder;
import org.tapegrad.examples.io.Progress;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code flow}: vanishing and exploding gradients, measured on the tape, against docs/theory.md §1. */
@Command(name = "flow", mixinStandardHelpOptions = true,
        description = {"Vanishing and exploding gradients: ‖∂L/∂h_t‖ against the distance T − t (loss at the last step) for "
                + "tanh RNNs with ‖W_h‖₂ = 0.5, 1.0, 1.5, sigmoid and relu RNNs (‖W_h‖₂ = 1), LSTM with forget bias 0 and 1, and both GRUs; "
                + "a decay-rate table; for the LSTM, the product of forget gates next to the measured ‖∂C_T/∂C_t‖.",
            "Writes flow.csv, flow-rates.csv, flow.png, flow-lstm-cell.csv and flow-lstm-cell.png."})
public final class FlowCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private OutputFolder output = new OutputFolder();

    @Option(names = "--steps", paramLabel = "T", defaultValue = "200", description = "Sequence length T (default: ${DEFAULT-VALUE}).")
    private int steps;

    @Option(names = "--hidden", paramLabel = "H", defaultValue = "32", description = "Hidden units (default: ${DEFAULT-VALUE}).")
    private int hidden;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "8", description = "Sequences per batch (default: ${DEFAULT-VALUE}).")
    private int batch;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--quiet", description = "No progress bar.")
    private boolean quiet;

    private List<FlowExperiment.Result> results = List.of();
    private List<LstmCellPath> cellPaths = List.of();

    /**
     * Refuses sizes that cannot be held before allocating: the H×4H matrices of the LSTM, and the tape of the T-step
     * unroll (about 32 numbers per hidden unit per step and sequence, values and gradients), plus the H×H Jacobian
     * probes.
     */
    private void requireMemory() {
        String sizes = "--hidden " + hidden + " with --steps " + steps + ", --batch " + batch;
        MemoryEstimate.requireMatrix(sizes, "recurrent H×4H", hidden, 4L * hidden);
        MemoryEstimate.requireMatrix(sizes, "step's B×4H", batch, 4L * hidden);
        double tape = (double) steps * batch * 32.0 * hidden;
        double matrices = 12.0 * hidden * hidden + (double) steps * hidden * 4;
        MemoryEstimate.requireHeap(sizes, 8 * (tape + matrices), "the tape of the unrolled sequence and the models' matrices");
    }

    @Override
    public Integer call() {
        if (Checks.positive(spec, "--steps", steps) < 2) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "invalid value for --steps: " + steps + " (must be at least 2)");
        }
        Checks.positive(spec, "--hidden", hidden);
        Checks.positive(spec, "--batch", batch);
        requireMemory();
        Path folder = output.prepare();
        PrintWriter out = spec.commandLine().getOut();

        List<FlowModel> models = FlowModels.all();
        FlowExperiment experiment = new FlowExperiment(steps, 4, hidden, batch, seed);
        double[] biases = {0.0, 1.0};
        List<LstmCellPath> paths = new java.util.ArrayList<>();
        try (Progress progress = Progress.start("flow", models.size() + biases.length, !quiet, spec.commandLine().getErr())) {
            results = experiment.run(models, progress::step);
            for (double b : biases) {
                paths.add(experiment.cellPath(b));
                progress.step();
            }
        }
        cellPaths = List.copyOf(paths);
        out.printf("flow — T = %d, H = %d, B = %d, loss L = Σ h_T·v at the last step; ratios ‖∂L/∂h_{T−d}‖ / ‖∂L/∂h_T‖%n%n", steps, hidden, batch);
        out.print(FlowReport.table(results, steps));
        Path csv = FlowReport.curves(results, steps).write(folder.resolve("flow.csv"));
        Path rates = FlowReport.rates(results, steps).write(folder.resolve("flow-rates.csv"));
        Path png = FlowReport.chart(results, steps).savePng(folder.resolve("flow.png"));
        out.println();
        out.print(FlowReport.cellPathTable(biases, paths, steps));
        Path cellCsv = FlowReport.cellPathCurves(biases, paths, steps).write(folder.resolve("flow-lstm-cell.csv"));
        Path cellPng = FlowReport.cellPathChart(biases, paths, steps).savePng(folder.resolve("flow-lstm-cell.png"));
        out.println();
        out.println("wrote " + csv + ", " + rates + ", " + png + ", " + cellCsv + " and " + cellPng);
        out.flush();
        return 0;
    }

    /** The results of the last run. */
    public List<FlowExperiment.Result> results() {
        return results;
    }
}
