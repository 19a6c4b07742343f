package org.tapegrad.examples.adding;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.tapegrad.examples.cli.Checks;
import org.tapegrad.examples.cli.DTypeConverter;
import org.tapegrad.examples.cli.MemoryEstimate;
import org.tapegrad.examples.cli.OutputFolder;
import org.tapegrad.examples.io.CsvTable;
import org.tapegrad.examples.io.LineChart;
import org.tapegrad.examples.io.Progress;
import org.tapegrad.examples.model.CellKind;
import org.tapegrad.op.DType;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code adding}: the adding problem, RNN against LSTM and GRU at growing sequence lengths. */
@Command(name = "adding", mixinStandardHelpOptions = true,
        description = {"The adding problem (Hochreiter & Schmidhuber 1997) in the variant of Le et al. 2015: per step a value "
                + "from U[0,1] and a marker; one marked step in each half; target = sum of the two marked values. "
                + "Always answering 1 costs MSE 1/6 ≈ 0.167 (the baseline).",
            "Writes adding.csv (learning curves), adding-summary.csv and adding.png."})
public final class AddingCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private OutputFolder output = new OutputFolder();

    @Option(names = "--cells", split = ",", paramLabel = "CELL", defaultValue = "rnn,lstm,gru",
            description = "Cells to train, comma-separated from: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    private List<CellKind> cells;

    @Option(names = "--lengths", split = ",", paramLabel = "T", defaultValue = "50,100,200", description = "Sequence lengths (default: ${DEFAULT-VALUE}).")
    private List<Integer> lengths;

    @Option(names = "--hidden", paramLabel = "H", defaultValue = "16", description = "Hidden units (default: ${DEFAULT-VALUE}).")
    private int hidden;

    @Option(names = "--iterations", paramLabel = "N", defaultValue = "1500", description = "Training batches per model (default: ${DEFAULT-VALUE}).")
    private int iterations;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "32", description = "Sequences per batch (default: ${DEFAULT-VALUE}).")
    private int batch;

    @Option(names = "--lr", paramLabel = "RATE", defaultValue = "0.02", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
    private double learningRate;

    @Option(names = "--clip", paramLabel = "NORM", defaultValue = "1.0", description = "Clip the global gradient norm to this (default: ${DEFAULT-VALUE}).")
    private double clip;

    @Option(names = "--test-size", paramLabel = "N", defaultValue = "500", description = "Sequences in the test set (default: ${DEFAULT-VALUE}).")
    private int testSize;

    @Option(names = "--dtype", paramLabel = "TYPE", defaultValue = "f64", converter = DTypeConverter.class,
            description = "Element type of the weights and the tape: f64 or f32 (default: ${DEFAULT-VALUE}).")
    private DType dtype;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--quiet", description = "No progress bar.")
    private boolean quiet;

    private List<AddingTrainer.Run> runs = List.of();

    /**
     * Refuses sizes that cannot be held before allocating: the widest cell's matrices (LSTM, 4H gates), the tape of one
     * batch at the longest T (about 32 numbers per hidden unit per step and sequence, values and gradients), the
     * batch and the test set.
     */
    private void requireMemory() {
        long longest = 0;
        for (int t : lengths) {
            longest = Math.max(longest, t);
        }
        String sizes = "--batch " + batch + " with --hidden " + hidden + ", --lengths up to " + longest + ", --test-size " + testSize;
        MemoryEstimate.requireMatrix(sizes, "recurrent H×4H", hidden, 4L * hidden);
        MemoryEstimate.requireMatrix(sizes, "batch's B×4H", batch, 4L * hidden);
        MemoryEstimate.requireMatrix(sizes, "test set's N×T", testSize, longest);
        double parameters = 4.0 * hidden * (hidden + 3) + hidden + 1;
        double tape = (double) batch * longest * (32.0 * hidden + 8);
        double data = 2.0 * longest * ((double) batch + testSize) + (double) testSize * longest * 4 * hidden / Math.max(1, longest);
        MemoryEstimate.requireHeap(sizes, 8 * (4 * parameters + tape + data), "parameters with gradients and Adam's moments, the tape of one batch, the data");
    }

    @Override
    public Integer call() {
        for (int t : lengths) {
            if (t < 2) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "invalid value for --lengths: " + t + " (each length must be at least 2)");
            }
        }
        Checks.positive(spec, "--hidden", hidden);
        Checks.positive(spec, "--iterations", iterations);
        Checks.positive(spec, "--batch", batch);
        Checks.positive(spec, "--test-size", testSize);
        Checks.positive(spec, "--lr", learningRate);
        Checks.positive(spec, "--clip", clip);
        requireMemory();
        Path folder = output.prepare();
        PrintWriter out = spec.commandLine().getOut();

        AddingTrainer trainer = new AddingTrainer(hidden, iterations, batch, learningRate, clip, testSize, 20, dtype);
        List<AddingTrainer.Run> done = new ArrayList<>();
        long work = 0;
        for (int t : lengths) {
            work += (long) t * iterations * cells.size();
        }
        try (Progress progress = Progress.start("adding", work, !quiet, spec.commandLine().getErr())) {
            long[] at = {0};
            for (int t : lengths) {
                for (CellKind cell : cells) {
                    progress.message(cell + " T=" + t);
                    done.add(trainer.train(cell, t, seed, () -> progress.stepTo(at[0] += t)));
                }
            }
        }
        runs = List.copyOf(done);
        out.printf("adding problem — H = %d, %d iterations of %d, Adam lr %s, clip %s%s; test MSE on %d sequences%n%n", hidden, iterations, batch,
                learningRate, clip, dtype == DType.F64 ? "" : ", " + dtype.longName(), testSize);
        out.printf("%6s  %-9s %10s %10s %10s%n", "T", "cell", "test MSE", "baseline", "MSE/base");
        CsvTable summary = new CsvTable("cell", "T", "test_mse", "baseline_mse");
        CsvTable curves = new CsvTable("cell", "T", "iteration", "train_mse", "test_mse");
        for (AddingTrainer.Run r : runs) {
            out.printf(Locale.ROOT, "%6d  %-9s %10.4f %10.4f %10.3f%n", r.length(), r.cell().label(), r.finalTestMse(), r.testBaseline(),
                    r.finalTestMse() / r.testBaseline());
            summary.add(r.cell(), r.length(), r.finalTestMse(), r.testBaseline());
            for (AddingTrainer.Point p : r.curve()) {
                curves.add(r.cell(), r.length(), p.iteration(), p.trainMse(), p.testMse());
            }
        }
        Path c = curves.write(folder.resolve("adding.csv"));
        Path s = summary.write(folder.resolve("adding-summary.csv"));
        Path png = chart(runs).savePng(folder.resolve("adding.png"));
        out.println();
        out.println("wrote " + c + ", " + s + " and " + png);
        out.flush();
        return 0;
    }

    static LineChart chart(List<AddingTrainer.Run> runs) {
        LineChart chart = new LineChart("Adding problem: test MSE while training", "training iteration", "test MSE (log scale)", true);
        int maxIt = 0;
        for (AddingTrainer.Run r : runs) {
            double[] x = r.curve().stream().mapToDouble(AddingTrainer.Point::iteration).toArray();
            double[] y = r.curve().stream().mapToDouble(AddingTrainer.Point::testMse).toArray();
            chart.line(r.cell().label() + ", T = " + r.length(), x, y);
            maxIt = Math.max(maxIt, (int) x[x.length - 1]);
        }
        chart.dashed("baseline 1/6 (always answer 1)", new double[] {0, maxIt}, new double[] {AddingProblem.BASELINE_MSE, AddingProblem.BASELINE_MSE}).colour(6);
        return chart;
    }

    /** The runs of the last call. */
    public List<AddingTrainer.Run> runs() {
        return runs;
    }
}
