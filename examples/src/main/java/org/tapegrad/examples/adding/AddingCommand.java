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
import org.tapegrad.layers.optim.ConjugateGradient;
import org.tapegrad.layers.optim.HessianFree;
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

    @Option(names = "--shards", paramLabel = "N", defaultValue = "1",
            description = "Cut each batch into N parts recorded on tapes of their own and run in parallel (data parallelism over the batch;"
                    + " the weights depend on N, never on the thread count) (default: ${DEFAULT-VALUE}).")
    private int shards;

    @Option(names = "--optimizer", split = ",", paramLabel = "OPT", defaultValue = "adam",
            description = "Optimizers to train every cell with, comma-separated from adam, hf (Hessian-free, Martens & Sutskever 2011) "
                    + "(default: ${DEFAULT-VALUE}).")
    private List<String> optimizers;

    @Option(names = "--hf-iterations", paramLabel = "N", defaultValue = "300", description = "Hessian-free steps per model (default: ${DEFAULT-VALUE}).")
    private int hfIterations;

    @Option(names = "--hf-batch", paramLabel = "B", defaultValue = "500", description = "Sequences per Hessian-free gradient batch (default: ${DEFAULT-VALUE}).")
    private int hfBatch;

    @Option(names = "--curvature-batch", paramLabel = "B", defaultValue = "100",
            description = "Sequences of each gradient batch used for Gauss-Newton products (default: ${DEFAULT-VALUE}).")
    private int curvatureBatch;

    @Option(names = "--damping", paramLabel = "LAMBDA", defaultValue = "1.0", description = "Initial Levenberg-Marquardt damping λ (default: ${DEFAULT-VALUE}).")
    private double damping;

    @Option(names = "--structural-damping", paramLabel = "MU", defaultValue = "0.0333333333333",
            description = "Structural damping μ of the hidden states, relative to λ; 0 for none (default: 1/30).")
    private double structuralDamping;

    @Option(names = "--cg-iterations", paramLabel = "N", defaultValue = "250", description = "Most CG iterations per Hessian-free step (default: ${DEFAULT-VALUE}).")
    private int cgIterations;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--log-steps", description = "Print every Hessian-free step (loss, ρ, λ, CG iterations, step size) to stderr.")
    private boolean logSteps;

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
        Checks.positive(spec, "--shards", shards);
        if (shards > batch) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "invalid value for --shards: " + shards + " (at most --batch, " + batch + ")");
        }
        if (shards > 1 && optimizers.contains("hf")) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "invalid value for --shards: " + shards + " (--optimizer hf records on one tape)");
        }
        Checks.positive(spec, "--test-size", testSize);
        Checks.positive(spec, "--lr", learningRate);
        Checks.positive(spec, "--clip", clip);
        for (String o : optimizers) {
            if (!o.equals("adam") && !o.equals("hf")) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "invalid value for --optimizer: '" + o + "' (expected adam or hf)");
            }
        }
        Checks.positive(spec, "--hf-iterations", hfIterations);
        Checks.positive(spec, "--hf-batch", hfBatch);
        Checks.positive(spec, "--curvature-batch", curvatureBatch);
        Checks.positive(spec, "--cg-iterations", cgIterations);
        if (optimizers.contains("hf") && dtype != DType.F64) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "invalid value for --dtype: " + dtype.longName()
                    + " (--optimizer hf runs in float64 only)");
        }
        if (curvatureBatch > hfBatch) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "invalid value for --curvature-batch: " + curvatureBatch
                    + " (at most --hf-batch, " + hfBatch + ")");
        }
        if (!(damping >= 0) || !(structuralDamping >= 0)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "invalid value for --damping/--structural-damping: "
                    + damping + "/" + structuralDamping + " (each must be ≥ 0)");
        }
        requireMemory();
        Path folder = output.prepare();
        PrintWriter out = spec.commandLine().getOut();

        AddingTrainer trainer = new AddingTrainer(hidden, iterations, batch, learningRate, clip, testSize, 20, dtype, shards);
        HessianFree.Settings hf = HessianFree.Settings.defaults().withInitialDamping(damping).withStructuralDamping(structuralDamping)
                .withConjugateGradient(new ConjugateGradient(cgIterations, 5e-4, 1.3));
        AddingHessianFree hfTrainer = new AddingHessianFree(hidden, hfIterations, hfBatch, curvatureBatch, hf, testSize, 20);
        List<AddingTrainer.Run> done = new ArrayList<>();
        long work = 0;
        for (int t : lengths) {
            for (String o : optimizers) {
                work += (long) t * (o.equals("hf") ? hfIterations : iterations) * cells.size();
            }
        }
        try (Progress progress = Progress.start("adding", work, !quiet, spec.commandLine().getErr())) {
            long[] at = {0};
            for (int t : lengths) {
                for (CellKind cell : cells) {
                    for (String o : optimizers) {
                        progress.message(cell + (o.equals("hf") ? " HF" : "") + " T=" + t);
                        PrintWriter log = spec.commandLine().getErr();
                        int[] step = {0};
                        done.add(o.equals("hf") ? hfTrainer.train(cell, t, seed, r -> {
                                    progress.stepTo(at[0] += t);
                                    if (logSteps) {
                                        log.printf(Locale.ROOT, "%s T=%d step %d: f %.5f → %.5f, ρ %.3f, λ %.4g, CG %d, G·v %d, α %.3f%n", cell, t, ++step[0],
                                                r.lossBefore(), r.lossAfter(), r.reductionRatio(), r.damping(), r.cgIterations(), r.curvatureProducts(), r.stepSize());
                                        log.flush();
                                    }
                                })
                                : trainer.train(cell, t, seed, () -> progress.stepTo(at[0] += t)));
                    }
                }
            }
        }
        runs = List.copyOf(done);
        boolean withHf = optimizers.contains("hf");
        if (optimizers.contains("adam")) {
            out.printf("adding problem — H = %d; Adam: %d iterations of %d, lr %s, clip %s%s; test MSE on %d sequences%n", hidden, iterations, batch,
                    learningRate, clip, dtype == DType.F64 ? "" : ", " + dtype.longName(), testSize);
        }
        if (withHf) {
            out.printf(Locale.ROOT, "adding problem — H = %d; HF: %d steps, gradient batch %d, curvature batch %d, λ₀ %s, μ %.4g, CG ≤ %d; test MSE on %d sequences%n",
                    hidden, hfIterations, hfBatch, curvatureBatch, damping, structuralDamping, cgIterations, testSize);
        }
        out.println();
        out.printf("%6s  %-16s %10s %10s %10s %12s%n", "T", "cell", "test MSE", "baseline", "MSE/base", "G·v products");
        CsvTable summary = new CsvTable("cell", "optimizer", "T", "test_mse", "baseline_mse", "curvature_products");
        CsvTable curves = new CsvTable("cell", "optimizer", "T", "iteration", "train_mse", "test_mse");
        for (AddingTrainer.Run r : runs) {
            out.printf(Locale.ROOT, "%6d  %-16s %10.3g %10.4f %10.3g %12d%n", r.length(), r.label(), r.finalTestMse(), r.testBaseline(),
                    r.finalTestMse() / r.testBaseline(), r.curvatureProducts());
            summary.add(r.cell(), r.optimizer(), r.length(), r.finalTestMse(), r.testBaseline(), r.curvatureProducts());
            if (!quiet || logSteps) {
                // wall time is not a figure: it goes to stderr, so that the files and the table repeat bit for bit
                spec.commandLine().getErr().printf(Locale.ROOT, "%s T=%d trained in %.0f s%n", r.label(), r.length(), r.seconds());
            }
            for (AddingTrainer.Point p : r.curve()) {
                curves.add(r.cell(), r.optimizer(), r.length(), p.iteration(), p.trainMse(), p.testMse());
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
        boolean hfOnly = runs.stream().allMatch(r -> r.optimizer().equals("hf"));
        LineChart chart = new LineChart("Adding problem: test MSE while training", hfOnly ? "Hessian-free step" : "training iteration (Adam) or step (HF)",
                "test MSE (log scale)", true);
        int maxIt = 0;
        for (AddingTrainer.Run r : runs) {
            double[] x = r.curve().stream().mapToDouble(AddingTrainer.Point::iteration).toArray();
            double[] y = r.curve().stream().mapToDouble(AddingTrainer.Point::testMse).toArray();
            chart.line(r.label() + ", T = " + r.length(), x, y);
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
