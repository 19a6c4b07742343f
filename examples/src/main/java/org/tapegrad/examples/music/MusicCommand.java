package org.tapegrad.examples.music;

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

/** {@code music}: polyphonic music modelling as in Chung et al. 2014, Table 2. */
@Command(name = "music", mixinStandardHelpOptions = true,
        description = {"Polyphonic music (Chung et al. 2014): 88 independent pitches with sigmoid outputs and binary cross-entropy; "
                + "tanh RNN / GRU / LSTM of about 20k parameters (100 / 46 / 36 units), RMSprop, gradient norm clipped, "
                + "early stopping on the validation split. Reports NLL per time step (nats, summed over pitches) on train, valid "
                + "and test beside the independent-Bernoulli baseline.",
            "Data: JSON {\"train\":[seq...],\"valid\":[...],\"test\":[...]}, a step being a list of MIDI notes, e.g. "
                + "../shared/data/jsb-chorales-quarter.json. Writes music.csv, music-summary.csv and music.png."})
public final class MusicCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private OutputFolder output = new OutputFolder();

    @Option(names = "--data", paramLabel = "FILE", required = true, description = "Piano-roll JSON file.")
    private Path data;

    @Option(names = "--cells", split = ",", paramLabel = "CELL", defaultValue = "rnn,gru,lstm",
            description = "Cells to train, comma-separated from rnn, gru, lstm and the zoo: peephole_v, peephole_nig, peephole_nfg, "
                    + "peephole_nog, peephole_niaf, peephole_noaf, peephole_np, peephole_cifg, peephole_fgr, mgu, indrnn, sru, mogrifier, "
                    + "layernorm_lstm (default: ${DEFAULT-VALUE}).")
    private List<CellKind> cells;

    @Option(names = "--hidden", paramLabel = "H", description = "Hidden units for every cell (default: 100 / 46 / 36 for rnn / gru / lstm, as the paper; a zoo cell gets the H "
                    + "whose parameter count is nearest to the 36-unit LSTM's).")
    private Integer hidden;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "60", description = "At most this many epochs (default: ${DEFAULT-VALUE}).")
    private int epochs;

    @Option(names = "--patience", paramLabel = "N", defaultValue = "5", description = "Stop after N epochs without a better validation NLL (default: ${DEFAULT-VALUE}).")
    private int patience;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "8", description = "Sequences per batch (default: ${DEFAULT-VALUE}).")
    private int batch;

    @Option(names = "--lr", paramLabel = "RATE", defaultValue = "0.003", description = "RMSprop learning rate (default: ${DEFAULT-VALUE}).")
    private double learningRate;

    @Option(names = "--clip", paramLabel = "NORM", defaultValue = "1.0", description = "Rescale the global gradient norm to at most this (default: ${DEFAULT-VALUE}).")
    private double clip;

    @Option(names = "--dropout", paramLabel = "P", defaultValue = "0",
            description = "Inverted dropout on each step's hidden output before the read-out, in training only, rate in [0, 0.99] (default: ${DEFAULT-VALUE}).")
    private double dropout;

    @Option(names = "--max-sequences", paramLabel = "N", description = "Use only the first N sequences of each split (a smoke run).")
    private Integer maxSequences;

    @Option(names = "--dtype", paramLabel = "TYPE", defaultValue = "f64", converter = DTypeConverter.class,
            description = "Element type of the weights and the tape: f64 or f32 (default: ${DEFAULT-VALUE}).")
    private DType dtype;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--quiet", description = "No progress bar.")
    private boolean quiet;

    private List<MusicTrainer.Result> results = List.of();
    private double[] baseline;

    /**
     * Refuses sizes that cannot be held before allocating: the largest cell's H×4H matrix, and the tape of one batch of
     * the longest sequences (about 32 numbers per hidden unit and 4 per key, per step and sequence).
     */
    private void requireMemory(PianoRolls rolls) {
        int units = hidden != null ? hidden : 100;
        long longest = 0;
        for (List<double[][]> split : List.of(rolls.train(), rolls.valid(), rolls.test())) {
            for (double[][] sequence : split) {
                longest = Math.max(longest, sequence.length);
            }
        }
        String sizes = "--hidden " + units + " with --batch " + batch + " and sequences of up to " + longest + " steps";
        MemoryEstimate.requireMatrix(sizes, "recurrent H×4H", units, 4L * units);
        MemoryEstimate.requireMatrix(sizes, "input 88×4H", PianoRolls.PITCHES, 4L * units);
        double parameters = 4.0 * units * (units + PianoRolls.PITCHES + 1) + (units + 1.0) * PianoRolls.PITCHES;
        double tape = (double) Math.min(batch, rolls.train().size()) * longest * (32.0 * units + 4 * PianoRolls.PITCHES);
        MemoryEstimate.requireHeap(sizes, 8 * (4 * parameters + tape), "parameters with gradients and RMSprop's averages, and the tape of one batch");
    }

    @Override
    public Integer call() {
        if (hidden != null) {
            Checks.positive(spec, "--hidden", hidden);
        }
        if (maxSequences != null) {
            Checks.positive(spec, "--max-sequences", maxSequences);
        }
        Checks.positive(spec, "--epochs", epochs);
        Checks.nonNegative(spec, "--patience", patience);
        Checks.positive(spec, "--batch", batch);
        Checks.positive(spec, "--lr", learningRate);
        Checks.positive(spec, "--clip", clip);
        Checks.inRange(spec, "--dropout", dropout, 0, 0.99);
        PianoRolls rolls = PianoRolls.load(data);
        if (maxSequences != null) {
            rolls = rolls.firstSequences(maxSequences);
        }
        requireMemory(rolls);
        Path folder = output.prepare();
        PrintWriter out = spec.commandLine().getOut();

        BernoulliBaseline bernoulli = BernoulliBaseline.fit(rolls.train());
        baseline = new double[] {bernoulli.nllPerStep(rolls.train()), bernoulli.nllPerStep(rolls.valid()), bernoulli.nllPerStep(rolls.test())};
        MusicTrainer trainer = new MusicTrainer(epochs, patience, batch, learningRate, clip, seed, dtype, dropout);
        long batchesPerEpoch = (rolls.train().size() + batch - 1) / batch;
        List<MusicTrainer.Result> done = new ArrayList<>();
        try (Progress progress = Progress.start("music", batchesPerEpoch * epochs * cells.size(), !quiet, spec.commandLine().getErr())) {
            for (CellKind cell : cells) {
                int h = hidden != null ? hidden : MusicTrainer.defaultHidden(cell);
                done.add(trainer.train(cell, h, rolls, nll -> {
                    progress.message(String.format(Locale.ROOT, "%s train %.3f nats/step", cell, nll));
                    progress.step();
                }));
            }
        }
        results = List.copyOf(done);

        out.printf("music — %s: %d / %d / %d sequences, %d / %d / %d frames; RMSprop lr %s, clip %s, batch %d%s%s%n%n", data, rolls.train().size(),
                rolls.valid().size(), rolls.test().size(), PianoRolls.steps(rolls.train()), PianoRolls.steps(rolls.valid()), PianoRolls.steps(rolls.test()),
                learningRate, clip, batch, dropout == 0 ? "" : ", dropout " + dropout, dtype == DType.F64 ? "" : ", " + dtype.longName());
        out.println("NLL per time step (nats, summed over 88 pitches):");
        out.printf("%-22s %7s %7s %6s %9s %9s %9s%n", "model", "units", "params", "epoch", "train", "valid", "test");
        out.printf(Locale.ROOT, "%-22s %7s %7s %6s %9.3f %9.3f %9.3f%n", "independent Bernoulli", "—", "88", "—", baseline[0], baseline[1], baseline[2]);
        CsvTable summary = new CsvTable("model", "units", "parameters", "best_epoch", "train_nll", "valid_nll", "test_nll");
        summary.add("bernoulli", "", 88, "", baseline[0], baseline[1], baseline[2]);
        CsvTable curves = new CsvTable("model", "epoch", "train_nll", "valid_nll");
        for (MusicTrainer.Result r : results) {
            out.printf(Locale.ROOT, "%-22s %7d %7d %6d %9.3f %9.3f %9.3f%n", r.cell().label(), r.hidden(), r.parameters(), r.bestEpoch(), r.train(), r.valid(), r.test());
            summary.add(r.cell(), r.hidden(), r.parameters(), r.bestEpoch(), r.train(), r.valid(), r.test());
            for (MusicTrainer.Epoch e : r.epochs()) {
                curves.add(r.cell(), e.epoch(), e.train(), e.valid());
            }
        }
        out.println("(Chung et al. 2014, Table 2, test NLL: JSB Chorales tanh RNN 9.10, GRU 8.54, LSTM 8.67, Bernoulli baseline 11.06;"
                + " Nottingham 3.13, 3.23, 3.20, baseline 10.25)");
        Path c = curves.write(folder.resolve("music.csv"));
        Path s = summary.write(folder.resolve("music-summary.csv"));
        Path png = chart(results, baseline[1]).savePng(folder.resolve("music.png"));
        out.println();
        out.println("wrote " + c + ", " + s + " and " + png);
        out.flush();
        return 0;
    }

    static LineChart chart(List<MusicTrainer.Result> results, double baselineValid) {
        LineChart chart = new LineChart("Polyphonic music: validation NLL per epoch", "epoch", "NLL per time step (nats)", false);
        int maxEpoch = 1;
        for (MusicTrainer.Result r : results) {
            double[] x = r.epochs().stream().mapToDouble(MusicTrainer.Epoch::epoch).toArray();
            chart.line(r.cell().label() + " (" + r.hidden() + " units), valid", x, r.epochs().stream().mapToDouble(MusicTrainer.Epoch::valid).toArray());
            maxEpoch = Math.max(maxEpoch, (int) x[x.length - 1]);
        }
        chart.dashed("independent Bernoulli, valid", new double[] {1, maxEpoch}, new double[] {baselineValid, baselineValid}).colour(6);
        return chart;
    }

    /** Results of the last call. */
    public List<MusicTrainer.Result> results() {
        return results;
    }

    /** Bernoulli baseline NLL on train, valid, test of the last call. */
    public double[] baseline() {
        return baseline.clone();
    }
}
